"""
The optional facts of a sample career: quick facts, score evidence, the time
and cost of each step, medians, open-ended and hourly pay. Every figure is
invented and its source says so; the codes are those of the nearest real
occupation, so that a sample links to a plausible SOC 2018 or ISCO-08 group.
"""

from .vocabulary import SOURCE

# Labelled as what they are, like the salary figures.
SAMPLE_SOURCE = {"name": "Invented sample figures"}

# By category: (SOC 2018, ISCO-08) of the nearest real occupation group.
CODES = {
    "Data & AI": ("15-2051", "2511"),
    "Software": ("15-1252", "2512"),
    "Infrastructure": ("15-1244", "2522"),
    "Design": ("27-1021", "2163"),
    "Security": ("15-1212", "2529"),
    "Product": ("11-3021", "1330"),
}
ALSO_CALLED = ["{role} Specialist", "{role} Consultant", "Senior {role}"]
EXPERIENCE = ["none", "under-5-years", "5-years-or-more"]
TRAINING = ["none", "short-term", "moderate-term", "long-term", "internship"]

# (shortest, longest months; lowest, highest cost in US dollars) by step
# title: every step but one has an estimate, to show what is summed.
STEP_ESTIMATES = {
    "Earn a Relevant Degree": (36, 48, 0, 120_000),
    "Learn the Core Tools": (3, 9, 0, 2_000),
    "Build a Portfolio": (3, 12, 0, 500),
    "Take an Entry-Level Role": (6, 24, 0, 0),
    "Earn a Certification": (2, 6, 150, 2_500),
    "Find a Mentor": (1, 3, 0, 0),
    "Join a Community": (1, 6, 0, 300),
    "Contribute to Open Source": (3, 12, 0, 0),
    "Specialize in an Industry": (12, 36, 0, 5_000),
}


# The samples' own "last updated" date, as a guide's file gives one.
UPDATED = "2026-01-15"


def facts(rng, category, words):
    soc, isco = CODES[category]
    start = 2024
    return {
        "alternative_titles": [
            title.format(**words) for title in rng.sample(ALSO_CALLED, 2)
        ],
        "codes": {"soc_2018": soc, "isco_08": isco},
        "work_experience": rng.choice(EXPERIENCE),
        "on_the_job_training": rng.choice(TRAINING),
        "employment": {
            "jobs": rng.randrange(20, 400) * 500,
            "year": start,
            "source": dict(SAMPLE_SOURCE),
        },
        "projection": {
            "change_percent": round(rng.uniform(-2, 25), 1),
            "from_year": start,
            "to_year": start + 10,
            "source": dict(SAMPLE_SOURCE),
        },
    }


def add_evidence(scores):
    """Evidence and a source on the first two scores; the rest have none."""
    for score in scores[:2]:
        score["evidence"] = (
            f"Sample evidence: an invented survey rated {score['factor'].lower()} "
            f"{score['score']} out of 10."
        )
        score["sources"] = [dict(SAMPLE_SOURCE)]
    return scores


def add_estimate(step):
    """The step's time and cost in months and US dollars, if it has one."""
    if step["title"] in STEP_ESTIMATES:
        shortest, longest, low, high = STEP_ESTIMATES[step["title"]]
        text = step.pop("text")
        step |= {
            "duration_min_months": shortest,
            "duration_max_months": longest,
            "cost_min": low,
            "cost_max": high,
            "cost_currency": "USD",
            "text": text,
        }
    return step


def add_pay_details(index, stages):
    """Medians on ranges, and on every sixth career an open-ended top stage
    and an hourly freelance stage, the cases a guide may have."""
    for stage in stages:
        low, high = stage.get("salary_min"), stage.get("salary_max")
        if low is not None and high is not None and low < high:
            stage["salary_median"] = (low + high) // 2 // 500 * 500
    if index % 6 == 0 and stages and "salary_min" in stages[-1]:
        top = stages[-1]
        del top["salary_max"]
        top.pop("salary_median", None)
        stages.append(
            {
                "title": "Freelance consultant",
                "salary_min": 60,
                "salary_max": 150,
                "currency": "USD",
                "pay_period": "hour",
                "description": "Some take their experience freelance, paid by the "
                "hour; these invented rates are not comparable with a yearly salary.",
            }
        )
    return stages


def source():
    return {**SOURCE, "country": "US"}
