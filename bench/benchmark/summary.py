"""The measurements summed up: one row per size, page and mode, and the scale."""

import statistics

from .config import MODE_NAMES, MODES, SCALE_PAGES
from .noise import spread_pct
from .report import fmt


def latest(measurements, attempt):
    """The measurements the figures of `attempt` use: for each size, page and
    mode, those of the latest attempt up to `attempt`."""
    newest = {}
    for m in measurements:
        if m["attempt"] <= attempt:
            key = (m["size"], m["page"], m["mode"])
            newest[key] = max(newest.get(key, 0), m["attempt"])
    return [
        m
        for m in measurements
        if m["attempt"] == newest.get((m["size"], m["page"], m["mode"]))
    ]


def summarize(measurements, queries, careers):
    """One row per size, page and mode: the medians over runs."""
    groups = {}
    for m in measurements:
        groups.setdefault((m["size"], m["page"], m["mode"]), []).append(m)
    rows = []
    for (size, page, mode), runs in groups.items():
        median = {
            key: statistics.median(r[key] for r in runs if r.get(key) is not None)
            if any(r.get(key) is not None for r in runs)
            else None
            for key in (
                "rps",
                "ratio",
                "p50_ms",
                "p99_ms",
                "bytes_per_response",
                "cpu_ms_per_request",
                "service_cpu_ms_per_request",
                "reference_rps",
            )
        }
        q = queries.get(size, {}).get("pages", {}).get(page, {}).get(mode, {})
        rows.append(
            {
                "size": size,
                "careers": careers.get(size),
                "page": page,
                "mode": mode,
                "server": runs[0]["server"],
                "path": runs[0]["path"],
                "body_bytes": runs[0]["body_bytes"],
                **{
                    k: round(v, 3) if v is not None else None for k, v in median.items()
                },
                "queries": q.get("queries"),
                "worker_rss_mb": max(r["worker_rss_mb"] for r in runs),
                "runs": len(runs),
                "attempt": runs[0]["attempt"],
                "noisy_runs": sum(r["noise"]["noisy"] for r in runs),
                "noise_reasons": list(
                    dict.fromkeys(
                        reason for r in runs for reason in r["noise"]["reasons"]
                    )
                ),
                "unexpected_status": sum(r["unexpected_status"] for r in runs),
                "socket_errors": sum(r["socket_errors"] for r in runs),
                "per_run_rps": [r["rps"] for r in runs],
                "per_run_ratio": [r.get("ratio") for r in runs],
                "per_run_p50_ms": [r["p50_ms"] for r in runs],
            }
        )
    return rows


def row_noise(row, metric, limit):
    """Why a figure of `row` (its `metric`: ratio or p50_ms) is noisy, if it is:
    its runs were, or its repetitions disagree by more than `limit` percent."""
    if row is None:
        return []
    reasons = list(row["noise_reasons"])
    spread = spread_pct(row[f"per_run_{metric}"])
    if spread > limit:
        label = "× static" if metric == "ratio" else "p50"
        reasons.append(
            f"{row['page']} {MODE_NAMES[row['mode']]}: the {row['runs']} runs' "
            f"{label} {spread:.0f}% apart"
        )
    return reasons


def find(rows, size, page, mode):
    for row in rows:
        if (row["size"], row["page"], row["mode"]) == (size, page, mode):
            return row
    return None


def scale_rows(rows, small, large, limit):
    out = []
    for page in SCALE_PAGES:
        for mode in MODES:
            a, b = find(rows, small, page, mode), find(rows, large, page, mode)
            if not (a and b):
                continue
            reasons = row_noise(a, "p50_ms", limit) + row_noise(b, "p50_ms", limit)
            references = [a["reference_rps"], b["reference_rps"]]
            apart = spread_pct(references)
            if apart > limit:
                reasons.append(
                    f"static CSS {fmt(references[0])}/s beside {small} careers, "
                    f"{fmt(references[1])}/s beside {large} ({apart:.0f}% apart)"
                )
            out.append(
                {
                    "page": page,
                    "mode": mode,
                    "small": small,
                    "large": large,
                    "p50_ms_small": a["p50_ms"],
                    "p50_ms_large": b["p50_ms"],
                    "p50_growth": round(b["p50_ms"] / a["p50_ms"], 3)
                    if a["p50_ms"]
                    else None,
                    "rps_small": a["rps"],
                    "rps_large": b["rps"],
                    "queries_small": a["queries"],
                    "queries_large": b["queries"],
                    "reference_spread_pct": round(apart, 1),
                    "noisy": bool(reasons),
                    "noise_reasons": list(dict.fromkeys(reasons)),
                }
            )
    return out
