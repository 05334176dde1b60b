"""Staff-entered text can never inject script into a visitor's page: every
Markdown field of a career, filled with attack vectors, renders inert."""

import re
from html import unescape

import pytest
from django.db import connection

from careers.models import CareerPath, ProseField
from tests import factories
from tests.careers.article.test_markup import (
    CONTROL_OR_SPACE_RE,
    EVENT_ATTRIBUTE_RE,
    HREF_RE,
    QUOTED_VALUE_RE,
    SAFE_HREF_PREFIXES,
    TAG_RE,
    XSS_VECTORS,
)

pytestmark = pytest.mark.django_db

JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
DANGEROUS = ("<script", "<iframe", "<style", "<object", "<embed", "<math", "<base")


def fill_every_prose_field(instance, vector):
    for field in type(instance)._meta.concrete_fields:
        if isinstance(field, ProseField):
            setattr(instance, field.attname, vector)
    instance.save()


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_every_markdown_field_renders_attack_vectors_inert(client, vector):
    """Intro, reasons, steps, stages, skills, education, outlook: all inert."""
    if "\x00" in vector and connection.vendor == "postgresql":
        pytest.skip(
            "PostgreSQL refuses NUL bytes in text: this vector cannot be stored"
        )
    career = factories.full_career(size=1)
    fill_every_prose_field(career, vector)
    for name in ("scores", "steps", "stages", "skills", "education"):
        for child in getattr(career, name).all():
            fill_every_prose_field(child, vector)
    skill = career.skills.get().skill
    fill_every_prose_field(skill, vector)

    for url in (career.get_absolute_url(), skill.get_absolute_url()):
        html = client.get(url).content.decode()
        # JSON-LD is data, never run; it must not be closable from inside.
        for data in JSON_LD_RE.findall(html):
            assert "</" not in data and "<" not in data
        html = JSON_LD_RE.sub("", html)
        lowered = html.lower()
        for tag in DANGEROUS:
            assert tag not in lowered, (url, tag)
        for tag in TAG_RE.findall(html):
            names_only = QUOTED_VALUE_RE.sub('""', tag)
            assert not EVENT_ATTRIBUTE_RE.search(names_only), tag
            assert not re.search(r"\sstyle\s*=", names_only, re.I), tag
            for match in HREF_RE.finditer(tag):
                raw = next(group for group in match.groups() if group is not None)
                href = CONTROL_OR_SPACE_RE.sub("", unescape(raw)).lower()
                assert href.startswith((*SAFE_HREF_PREFIXES, "?")), href


def test_the_corpus_reaches_every_kind_of_field(db):
    """The check above covers the career and all five kinds of child."""
    prose = {
        model.__name__
        for model in (
            CareerPath,
            *(
                CareerPath._meta.get_field(name).related_model
                for name in ("scores", "steps", "stages", "skills", "education")
            ),
        )
        if any(isinstance(f, ProseField) for f in model._meta.concrete_fields)
    }
    assert prose == {
        "CareerPath",
        "FactorScore",
        "Step",
        "Stage",
        "CareerSkill",
        "EducationRequirement",
    }
