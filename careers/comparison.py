"""Side-by-side comparison of two or three careers loaded with for_detail()."""

from dataclasses import dataclass
from itertools import zip_longest


@dataclass
class FactorRow:
    factor: object
    scores: list  # one FactorScore or None per career
    leaders: set  # indexes of the careers with the best score

    @property
    def cells(self):
        return [
            (score, index in self.leaders) for index, score in enumerate(self.scores)
        ]


def factor_rows(careers):
    """One row per factor any career is scored on, in the shared factor order."""
    by_career = [{s.factor_id: s for s in career.scores.all()} for career in careers]
    factors = {s.factor_id: s.factor for c in careers for s in c.scores.all()}
    rows = []
    for factor in sorted(factors.values(), key=lambda f: f.position):
        scores = [scores.get(factor.pk) for scores in by_career]
        values = [s.score for s in scores if s is not None]
        best = max(values)
        # A lead needs someone behind: no leader when every career ties.
        tied = len(values) == len(careers) and min(values) == best
        leaders = (
            set()
            if tied
            else {i for i, s in enumerate(scores) if s is not None and s.score == best}
        )
        rows.append(FactorRow(factor, scores, leaders))
    return rows


def overall_leaders(careers):
    values = [c.overall_score for c in careers if c.overall_score is not None]
    if not values or (len(values) == len(careers) and min(values) == max(values)):
        return set()
    return {i for i, c in enumerate(careers) if c.overall_score == max(values)}


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
        "overall_leaders": overall_leaders(careers),
        "factor_rows": factor_rows(careers),
        "stage_rows": stage_rows(careers),
        "skills": skill_sets(careers),
    }
