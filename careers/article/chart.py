"""Geometry for the server-rendered salary chart: one track per stage on a
shared yearly axis from 0, drawn in SVG, with every text in HTML so that it
keeps its size on a phone (careers/article/salary_chart.html)."""

import math

from ..models.common import PayPeriod

# Each track's viewBox is this wide; the template stretches it to the page.
WIDTH = 1000
# A bar still shows when its figures are close together.
MIN_BAR = 4
# An open-ended bar fades over at least this share of the axis: the axis is
# stretched to make room rather than drawn as if the range ended at its edge.
MIN_FADE = 0.2
# The tick steps are these times a power of ten, in 3 to 5 intervals.
STEPS = (1, 2, 2.5, 5)
FEWEST, MOST = 3, 5


def nice_ticks(high):
    """The ticks of an axis from 0 to just above `high`: the lowest top that
    a 1, 2, 2.5 or 5 times a power of ten step reaches in 3 to 5 intervals.
    nice_ticks(237500) -> [0, 50000, ..., 250000]."""
    if high <= 0:
        return [0, 1]
    candidates = []
    for exponent in range(int(math.log10(high)) + 2):
        for multiple in STEPS:
            step = multiple * 10**exponent
            if step != int(step):
                continue
            count = max(math.ceil(high / step), 1)
            if FEWEST <= count <= MOST:
                candidates.append((count * step, count, int(step)))
    if not candidates:  # under 3: a step of 1
        count = max(math.ceil(high), 1)
        return list(range(count + 1))
    _top, count, step = min(candidates)
    return [step * index for index in range(count + 1)]


def axis_top(stages):
    """The highest figure the axis must show, with room for open ends."""
    high = max(
        figure
        for stage in stages
        for figure in (stage.salary_min, stage.salary_max)
        if figure is not None
    )
    for stage in stages:
        if stage.is_open_above:
            high = max(high, stage.salary_min / (1 - MIN_FADE))
    return high


def row(stage, scale):
    """Where a stage's marks go on its track, and what kind they are."""
    if not stage.has_salary:
        return {"stage": stage, "kind": "missing"}
    low, high = stage.salary_min, stage.salary_max
    if stage.is_single_figure:
        return {"stage": stage, "kind": "single", "x": round(low * scale, 1)}
    if stage.is_open_above:
        start, end, kind = low * scale, WIDTH, "above"
    elif stage.is_open_below:
        start, end, kind = 0, high * scale, "below"
    else:
        start, end, kind = low * scale, high * scale, "range"
    found = {
        "stage": stage,
        "kind": kind,
        "x": round(start, 1),
        "width": round(max(end - start, MIN_BAR), 1),
    }
    if stage.salary_median is not None:
        found["median_x"] = round(stage.salary_median * scale, 1)
    return found


def salary_chart(stages):
    """The chart of the stages paid per year, with the stages paid by another
    period set aside (`apart`): they are not comparable on a yearly axis.
    None when no stage has a yearly figure or they are in several currencies."""
    stages = list(stages)
    yearly = [s for s in stages if s.has_salary and s.period == PayPeriod.YEAR]
    if not yearly or len({s.currency for s in yearly}) > 1:
        return None
    ticks = nice_ticks(axis_top(yearly))
    scale = WIDTH / ticks[-1]
    return {
        "rows": [
            row(stage, scale)
            for stage in stages
            if not stage.has_salary or stage.period == PayPeriod.YEAR
        ],
        "apart": [s for s in stages if s.has_salary and s.period != PayPeriod.YEAR],
        "ticks": [{"value": value, "x": round(value * scale, 1)} for value in ticks],
        "intervals": len(ticks) - 1,
        "width": WIDTH,
        "currency": yearly[0].currency,
    }
