"""Side-by-side comparison of two or three careers loaded with for_detail()."""

from dataclasses import dataclass
from itertools import zip_longest

from django.utils.translation import gettext as _


@dataclass
class ScoreRow:
    label: str
    values: list  # one number, or None, per career

    @property
    def cells(self):
        """(value, leads) per career; nobody leads when every career ties."""
        present = [value for value in self.values if value is not None]
        if not present:
            return [(None, False) for _ in self.values]
        best = max(present)
        tied = len(present) == len(self.values) and min(present) == best
        return [(value, not tied and value == best) for value in self.values]


def score_rows(careers):
    """The overall score, then one row per factor any career is scored on."""
    overall = [
        None if c.overall_score is None else round(float(c.overall_score), 1)
        for c in careers
    ]
    rows = [ScoreRow(_("Overall score"), overall)]
    by_career = [
        {s.factor_id: s.score for s in career.scores.all()} for career in careers
    ]
    factors = {s.factor_id: s.factor for c in careers for s in c.scores.all()}
    for factor in sorted(factors.values(), key=lambda f: f.position):
        rows.append(
            ScoreRow(factor.name, [scores.get(factor.pk) for scores in by_career])
        )
    return rows


def stage_rows(careers):
    """Stages side by side, rung by rung: one list of Stage-or-None per rung."""
    return list(zip_longest(*(career.stages.all() for career in careers)))


def skill_sets(careers):
    """The skills every career shares, and each career's own."""
    names = [{entry.skill for entry in career.skills.all()} for career in careers]
    shared = set.intersection(*names) if names else set()
    return {
        "shared": sorted(shared, key=lambda s: s.name),
        "distinct": [
            (career, [e for e in career.skills.all() if e.skill not in shared])
            for career in careers
        ],
    }


def compare(careers):
    return {
        "careers": careers,
        "score_rows": score_rows(careers),
        "stage_rows": stage_rows(careers),
        "skills": skill_sets(careers),
    }
