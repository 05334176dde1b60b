"""
Invented sample career paths, for trying the portal without writing content.

`generate()` builds content-format dicts (the shape of the YAML files in
content/), and `seed_careers()` writes them through the same parsing
and validation as `import_careers`. Every sample is marked `sample: true` and
its slug starts with `sample-`, so it never replaces a real guide. Output
depends only on the count and the seed: the slugs on the count alone, so
re-seeding with another seed updates the same careers in place.
"""

import datetime
import random

from django.db import transaction
from django.utils.text import slugify

from careers import contentfiles
from careers.models import CareerPath
from portal.progress import no_progress

from . import facts
from .vocabulary import (
    DAY_TO_DAY,
    FACTORS,
    GOOD_SCORE,
    INDUSTRIES,
    INTROS,
    OTHER_EDUCATION,
    OUTLOOKS,
    REASONS,
    ROLES,
    SKILL_HEADINGS,
    SKILL_NOTES,
    SKILLS,
    STAGES,
    STEP_COUNT,
    STEPS,
    SUMMARY_PREFIX,
    WHY_CHOOSE,
    WHY_CHOOSE_MORE,
)

DEFAULT_SEED = 1
MAX_CAREERS = 100_000
SLUG_PREFIX = "sample-"


def generate(count, seed=DEFAULT_SEED):
    """The content-format dicts of `count` sample careers.

    The first careers of a larger run are those of a smaller one with the same
    seed, so growing the count keeps the existing samples as they were.
    """
    rng = random.Random(seed)
    # The optional facts draw on a stream of their own, so that adding them
    # left every other figure of a seed as it was.
    more = random.Random(f"facts-{seed}")
    return [build_career(rng, index, more) for index in range(count)]


def build_career(rng, index, more=None):
    more = more or random.Random(index)
    area, role, duty = ROLES[index % len(ROLES)]
    round_ = index // len(ROLES) + 1
    title, slug = role, f"{SLUG_PREFIX}{slugify(role)}"
    if round_ > 1:
        title, slug = f"{role} {roman(round_)}", f"{slug}-{round_}"
    # Every A, E, I or O role title in the list is read with a vowel sound, and
    # none starts with a vowel-sounding consonant, so the first letter decides.
    article = "an" if role[0] in "AEIO" else "a"
    skills = rng.sample(area.skills, 6)
    words = {
        "role": role,
        "plural": f"{role}s",
        "a_role": f"{article} {role}",
        "duty": duty,
        "field": area.field,
        "partners": area.partners,
        "degree": rng.choice(area.degrees),
        "certification": rng.choice(area.certifications),
        "skill_a": skills[0],
        "skill_b": skills[1],
        "industry": rng.choice(INDUSTRIES),
    }
    return {
        "slug": slug,
        "title": title,
        "article": article,
        "category": area.category,
        "status": CareerPath.Status.PUBLISHED.value,
        "updated": datetime.date.fromisoformat(facts.UPDATED),
        "sample": True,
        "summary": f"{SUMMARY_PREFIX} {words['plural']} {duty}.",
        "facts": facts.facts(more, area.category, words),
        "intro": fill(rng.choice(INTROS) + "\n\n" + DAY_TO_DAY, words),
        "why_choose": fill(rng.choice(WHY_CHOOSE) + "\n\n" + WHY_CHOOSE_MORE, words),
        "good_career": good_career(rng, words),
        "steps": {
            "intro": fill(
                "Becoming {a_role} takes a mix of study, practice and people. "
                "These steps are a typical route:",
                words,
            ),
            "items": [
                facts.add_estimate({"title": step_title, "text": fill(text, words)})
                for step_title, text in sorted(
                    rng.sample(STEPS, STEP_COUNT), key=STEPS.index
                )
            ],
            "outro": "Every route is different. Treat these steps as a map, not "
            "a checklist: persistence and curiosity matter as much as any single "
            "qualification.",
        },
        "progression": progression(rng, index, area, words),
        "skills": {
            "intro": fill(
                "{plural} rely on a mix of technical and people skills:", words
            ),
            "items": [
                {
                    "skill": name,
                    "title": rng.choice(SKILL_HEADINGS).format(name),
                    "description": f"{SKILLS[name]} {rng.choice(SKILL_NOTES)}",
                }
                for name in skills
            ],
        },
        "education": education(rng, area, words),
        "outlook": fill(rng.choice(OUTLOOKS), words),
    }


def good_career(rng, words):
    scores = []
    for factor in FACTORS:
        # Balance is the usual trade-off, so it scores a little lower.
        if factor == "Work-Life Balance":
            score = rng.randint(4, 9)
        else:
            score = rng.randint(5, 10)
        reason = REASONS[factor][0 if score >= GOOD_SCORE else 1]
        scores.append({"factor": factor, "score": score, "reason": fill(reason, words)})
    best = sorted(scores, key=lambda item: -item["score"])
    strengths = {
        "first": best[0]["factor"].lower(),
        "second": best[1]["factor"].lower(),
    }
    return {
        "intro": fill(
            "Is {a_role} a good career? Here is how it scores on each factor:",
            words,
        ),
        "scores": facts.add_evidence(scores),
        "summary": fill(
            "In summary, the {role} path is strongest on {first} and {second}, "
            "making it a sound choice for people drawn to {field}.",
            words | strengths,
        ),
    }


def progression(rng, index, area, words):
    """Five stages: mostly salary ranges, with single figures and gaps mixed in.

    The pattern depends on the index, so any three consecutive careers show
    all three cases; the seed decides the figures.
    """
    no_data = 0 if index % 4 == 1 else None
    single = rng.randrange(1, len(STAGES)) if index % 3 == 2 else None
    midpoint = area.base_salary * rng.uniform(0.85, 1.15)
    growth = rng.uniform(1.18, 1.32)
    stages = []
    for position, (stage_title, description) in enumerate(STAGES):
        stage = {"title": fill(stage_title, words)}
        spread = rng.uniform(0.08, 0.18)
        if position == single:
            stage |= {"salary_min": round_salary(midpoint)}
            stage |= {"salary_max": stage["salary_min"], "currency": "USD"}
        elif position != no_data:
            stage |= {
                "salary_min": round_salary(midpoint * (1 - spread)),
                "salary_max": round_salary(midpoint * (1 + spread)),
                "currency": "USD",
            }
        stage["description"] = fill(description, words)
        stages.append(stage)
        midpoint *= growth
    return {
        "intro": fill(
            "Here is a typical progression for {a_role}. The salaries are "
            "invented sample figures in US dollars, not market data:",
            words,
        ),
        "source": facts.source(),
        "stages": facts.add_pay_details(index, stages),
        "outro": "Each step up asks for more judgment and more influence on "
        "others, as well as deeper technical skill.",
    }


def education(rng, area, words):
    """Four entries: always a degree and a certification, then a varied mix."""
    first, second = rng.sample(area.degrees, 2)
    course, other_course = rng.sample(area.courses, 2)
    items = [
        {
            "kind": "degree",
            "title": f"Bachelor's Degree in {first}",
            "text": fill(
                "The most common starting point for {plural}. It covers the "
                "theory the role builds on and the habits of careful work.",
                words,
            ),
        },
        {
            "kind": "certification",
            "title": rng.choice(area.certifications),
            "text": "Shows employers that your knowledge is current and "
            "independently checked, which helps when changing jobs.",
        },
    ]
    if rng.random() < 0.5:
        items.insert(
            1,
            {
                "kind": "degree",
                "title": f"Master's Degree in {second}",
                "text": "Useful for specialist and senior positions, and a chance to "
                "study one area in depth.",
            },
        )
    else:
        items.append(
            {
                "kind": "course",
                "title": course,
                "text": "A shorter, practical route into the field, often taken "
                "alongside work.",
            }
        )
    if rng.random() < 0.5:
        other_title, other_text = rng.choice(OTHER_EDUCATION)
        items.append({"kind": "other", "title": other_title, "text": other_text})
    else:
        items.append(
            {
                "kind": "course",
                "title": other_course,
                "text": "Fills the practical gaps that formal study leaves, with "
                "exercises close to real work.",
            }
        )
    return {
        "intro": fill(
            "Most {plural} start with a degree, but there are several routes:",
            words,
        ),
        "items": items,
        "outro": "Experience and a record of real work count as much as "
        "qualifications once you are in the field.",
    }


def fill(template, words):
    return template.format(**words)


def round_salary(amount):
    return int(round(amount / 500) * 500)


def roman(number):
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C")]
    numerals += [(90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX")]
    numerals += [(5, "V"), (4, "IV"), (1, "I")]
    result = ""
    for value, letters in numerals:
        count, number = divmod(number, value)
        result += letters * count
    return result


def seed_careers(count, seed=DEFAULT_SEED, progress=no_progress):
    """Validate and write `count` sample careers in one transaction.

    Returns their ParsedCareer objects. Raises ContentError, writing nothing,
    if a generated career is invalid or its slug belongs to a real career.
    `progress` wraps each long loop (portal.progress.progress on a terminal).
    """
    items = generate(count, seed)
    with transaction.atomic():
        # The prefix keeps samples apart from real guides; refuse rather than
        # overwrite a real one that was given a sample- slug anyway.
        taken = CareerPath.objects.filter(
            slug__in=[item["slug"] for item in items], is_sample=False
        ).values_list("slug", flat=True)
        problems = [
            contentfiles.Problem(slug, "slug", "used by a real career")
            for slug in taken
        ]
        if problems:
            raise contentfiles.ContentError(problems)
        parsed = [
            contentfiles.parse_data(item, item["slug"])
            for item in progress(items, desc="Checking")
        ]
        contentfiles.write_all(parsed, progress=progress)
    return parsed
