"""Migration 0012 numbers each career's scores in the order its page showed
them (the factors' order then), so no page changes on upgrade."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("careers", "0011_unique_real_titles")]
AFTER = [("careers", "0012_evidence_and_context")]


@pytest.mark.django_db(transaction=True)
def test_scores_are_numbered_in_the_order_the_page_showed():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    category = old.get_model("careers", "Category").objects.create(name="C", slug="c")
    Factor = old.get_model("careers", "Factor")
    factors = [
        Factor.objects.create(name=name, slug=name.lower(), position=position)
        for name, position in (("Pay", 3), ("Growth", 1), ("Balance", 2))
    ]
    careers = [
        old.get_model("careers", "CareerPath").objects.create(
            title=title, slug=title.lower(), category=category
        )
        for title in ("One", "Two")
    ]
    Score = old.get_model("careers", "FactorScore")
    for career in careers:
        for factor in factors:
            Score.objects.create(career=career, factor=factor, score=5, reason="r")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("careers", "FactorScore").objects.order_by(
        "career", "position"
    )
    assert [(s.career.title, s.factor.name, s.position) for s in rows] == [
        ("One", "Growth", 1),
        ("One", "Balance", 2),
        ("One", "Pay", 3),
        ("Two", "Growth", 1),
        ("Two", "Balance", 2),
        ("Two", "Pay", 3),
    ]
    call_command("migrate", verbosity=0)
