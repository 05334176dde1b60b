"""Small builders for test data; each returns a saved object."""

import itertools
from pathlib import Path

from django.apps import apps
from django.db.models import Max

from careers import changes
from careers.models import (
    CareerPath,
    CareerSkill,
    Category,
    EducationRequirement,
    Factor,
    FactorScore,
    SalarySource,
    Skill,
    Stage,
    Step,
)

_ids = itertools.count(1)


def category(**fields):
    n = next(_ids)
    return Category.objects.create(
        **{"name": f"Category {n}", "slug": f"category-{n}", **fields}
    )


def factor(**fields):
    n = next(_ids)
    # After every existing factor, so factories mix with imported content.
    last = Factor.objects.aggregate(last=Max("position"))["last"] or 0
    return Factor.objects.create(
        **{"name": f"Factor {n}", "slug": f"factor-{n}", "position": last + 1, **fields}
    )


def skill(**fields):
    n = next(_ids)
    return Skill.objects.create(
        **{"name": f"Skill {n}", "slug": f"skill-{n}", **fields}
    )


def source(**fields):
    return SalarySource.objects.create(**{"name": "Talent.com", **fields})


def career(**fields):
    n = next(_ids)
    defaults = {
        "title": f"Career {n}",
        "slug": f"career-{n}",
        "summary": f"Summary of career {n}.",
        "intro": "What the role is.",
        "why_choose": "Why choose it.",
        "good_career_summary": "In summary, a good career.",
        "outlook": "A bright outlook.",
        "status": CareerPath.Status.PUBLISHED,
    }
    if "category" not in fields:
        defaults["category"] = category()
    return CareerPath.objects.create(**{**defaults, **fields})


def score(career, **fields):
    """A score after the career's others, unless given a position."""
    if "factor" not in fields:
        fields["factor"] = factor()
    if "position" not in fields:
        fields["position"] = career.scores.count() + 1
    return FactorScore.objects.create(
        career=career, **{"score": 8, "reason": "A reason.", **fields}
    )


def step(career, position, **fields):
    return Step.objects.create(
        career=career,
        position=position,
        **{"title": f"Step {position}", "text": "Do it.", **fields},
    )


def stage(career, position, **fields):
    return Stage.objects.create(
        career=career,
        position=position,
        **{"title": f"Stage {position}", "description": "A rung.", **fields},
    )


def career_skill(career, position, **fields):
    if "skill" not in fields:
        fields["skill"] = skill()
    return CareerSkill.objects.create(
        career=career, position=position, **{"description": "Needed.", **fields}
    )


def education(career, position, **fields):
    return EducationRequirement.objects.create(
        career=career,
        position=position,
        **{"title": f"Degree {position}", "text": "Study.", **fields},
    )


def full_career(size=1, **fields):
    """A career with `size` of every kind of child, refreshed once (as an
    import does) rather than after each of its rows."""
    with changes.deferred():
        path = career(**fields)
        shared = source()
        for position in range(1, size + 1):
            score(path, score=(position % 10) + 1)
            step(path, position)
            stage(
                path,
                position,
                salary_min=1000 * position,
                salary_max=2000 * position,
                source=shared,
            )
            career_skill(path, position)
            education(path, position)
    return path


# A guide with every optional field filled, in its own factor order.
EVERY_FIELD_FILE = Path(__file__).parent / "data" / "every-field.yaml"


def every_field_career():
    """The career of tests/data/every-field.yaml, imported, loaded for_detail()."""
    from careers.contentfiles import import_files

    (parsed,) = import_files([EVERY_FIELD_FILE])
    return CareerPath.objects.for_detail().get(pk=parsed.career.pk)


def snapshot():
    """Every row of every careers content table, to prove what a command
    changed (ContentChange is the page cache's record of changes, not content)."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("careers").get_models()
        if model.__name__ != "ContentChange"
    }
