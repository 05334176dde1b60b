"""Geometry for the server-rendered salary chart (inline SVG, no JavaScript)."""

import math

WIDTH = 640
LABEL_WIDTH = 200
ROW_HEIGHT = 36
BAR_HEIGHT = 16
AXIS_HEIGHT = 28
MIN_BAR = 4  # a single figure still gets a visible mark


def nice_ceiling(value):
    """Round up to 1, 2 or 5 times a power of ten: 237500 -> 250000."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)


def salary_chart(stages):
    """Bars from each stage's minimum to its maximum on a shared axis from 0."""
    stages = list(stages)
    with_data = [s for s in stages if s.has_salary]
    if not with_data or len({s.currency for s in with_data}) > 1:
        return None
    top = nice_ceiling(max(s.salary_max for s in with_data))
    plot = WIDTH - LABEL_WIDTH - 40  # room for the last tick label
    scale = plot / top
    rows = []
    for index, stage in enumerate(stages):
        y = index * ROW_HEIGHT
        row = {"stage": stage, "y": y, "text_y": y + ROW_HEIGHT / 2 + 5}
        if stage.has_salary:
            x = LABEL_WIDTH + stage.salary_min * scale
            width = max((stage.salary_max - stage.salary_min) * scale, MIN_BAR)
            row |= {"x": round(x, 1), "width": round(width, 1)}
            row["bar_y"] = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        rows.append(row)
    height = len(stages) * ROW_HEIGHT
    # 250k and 500k split into fifths, 100k and 200k into quarters: round ticks.
    parts = 5 if str(top).startswith(("25", "5")) else 4
    ticks = [
        {"value": top * i // parts, "x": round(LABEL_WIDTH + plot * i / parts, 1)}
        for i in range(parts + 1)
    ]
    return {
        "rows": rows,
        "ticks": ticks,
        "width": WIDTH,
        "height": height + AXIS_HEIGHT,
        "plot_height": height,
        "label_width": LABEL_WIDTH,
        "tick_y": height + 18,
        "currency": with_data[0].currency,
        "bar_height": BAR_HEIGHT,
    }
