"""
What the steps to a career take in time and money, summed from each step's
own estimate, for the steps list and the quick facts.

The steps are taken one after another, so their times add up: the shortest
total is the sum of the shortest times, the longest the sum of the longest.
Costs add up per currency and are never converted: an exchange rate would be a
figure no editor checked. A step without an estimate adds nothing, and the
summary says how many such steps there are, so that a total never looks more
complete than it is.

A leaf module: it reads the fields of the steps it is given (prefetched, so no
query) and imports no models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class EstimatedStep(Protocol):
    """What a step's estimate is read from (careers.models.Step)."""

    duration_min_months: int | None
    duration_max_months: int | None
    cost_min: int | None
    cost_max: int | None
    cost_currency: str


@dataclass(frozen=True)
class Cost:
    """The sum of the costs given in one currency."""

    currency: str
    min: int
    max: int


@dataclass(frozen=True)
class StepsEstimate:
    steps: int
    timed: int  # steps with a time estimate
    costed: int  # steps with a cost
    unestimated: int  # steps with neither
    min_months: int
    max_months: int
    costs: tuple[Cost, ...]  # in the order the currencies first appear

    @property
    def has_any(self) -> bool:
        return bool(self.timed or self.costed)

    @property
    def duration(self) -> str:
        return months_span(self.min_months, self.max_months) if self.timed else ""

    @property
    def gaps(self) -> list[str]:
        """How many steps the totals leave out, as short clauses."""
        without_time = self.steps - self.timed
        without_cost = self.steps - self.costed
        if without_time == without_cost == self.unestimated:
            # The same steps lack both (a step without either is counted in
            # each): one clause says it.
            if not self.unestimated:
                return []
            return [steps_without(self.unestimated, self.steps, "")]
        return [
            steps_without(count, self.steps, kind)
            for count, kind in ((without_time, "time"), (without_cost, "cost"))
            if count
        ]


def estimate(steps: Iterable[EstimatedStep]) -> StepsEstimate:
    """The summed estimate of taking every one of `steps` in turn."""
    count = timed = costed = unestimated = 0
    min_months = max_months = 0
    costs: dict[str, tuple[int, int]] = {}
    for step in steps:
        count += 1
        has_time = step.duration_min_months is not None
        has_cost = step.cost_min is not None
        if has_time:
            timed += 1
            min_months += step.duration_min_months or 0
            max_months += step.duration_max_months or 0
        if has_cost:
            costed += 1
            low, high = costs.get(step.cost_currency, (0, 0))
            costs[step.cost_currency] = (
                low + (step.cost_min or 0),
                high + (step.cost_max or 0),
            )
        unestimated += not (has_time or has_cost)
    return StepsEstimate(
        steps=count,
        timed=timed,
        costed=costed,
        unestimated=unestimated,
        min_months=min_months,
        max_months=max_months,
        costs=tuple(Cost(code, low, high) for code, (low, high) in costs.items()),
    )


def months(count: int) -> str:
    """A number of months for people: 6 -> "6 months", 39 -> "3 years 3 months"."""
    years, rest = divmod(count, 12)
    if not years:
        return ngettext("%(n)s month", "%(n)s months", rest) % {"n": rest}
    in_years = ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    if not rest:
        return in_years
    return _("%(years)s %(months)s") % {
        "years": in_years,
        "months": ngettext("%(n)s month", "%(n)s months", rest) % {"n": rest},
    }


def months_span(low: int, high: int) -> str:
    """A range of months: "3–6 months", "3–4 years", "6 months – 1 year 6 months"."""
    if low == high:
        return months(low)
    if high < 12:
        return ngettext("%(low)s–%(high)s month", "%(low)s–%(high)s months", high) % {
            "low": low,
            "high": high,
        }
    if low and not low % 12 and not high % 12:
        return ngettext(
            "%(low)s–%(high)s year", "%(low)s–%(high)s years", high // 12
        ) % {"low": low // 12, "high": high // 12}
    return f"{months(low)} – {months(high)}"


def steps_without(count: int, total: int, kind: str) -> str:
    """ "1 of 3 steps has no estimate" (kind "") or "…no time estimate"."""
    of_steps = ngettext("%(n)s step", "%(n)s steps", total) % {"n": total}
    values = {"count": count, "steps": of_steps}
    if kind == "time":
        return (
            ngettext(
                "%(count)s of %(steps)s has no time estimate",
                "%(count)s of %(steps)s have no time estimate",
                count,
            )
            % values
        )
    if kind == "cost":
        return (
            ngettext(
                "%(count)s of %(steps)s has no cost estimate",
                "%(count)s of %(steps)s have no cost estimate",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(count)s of %(steps)s has no estimate",
            "%(count)s of %(steps)s have no estimate",
            count,
        )
        % values
    )
