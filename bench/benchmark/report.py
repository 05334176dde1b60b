"""The markdown report of a run."""

from .config import MODE_NAMES

VERDICT_TEXT = {
    "met": "met",
    "FAIL": "**FAIL**",
    "known miss": "known miss, not judged",
    "noisy": "noisy, not judged",
    "again": "missed, noisy (not measured again)",
}


def quick_notes(c):
    """What a smoke run's targets do and do not show (bench/README.md)."""
    return [
        f"the scale targets compare {c['small']:,} with {c['large']:,} samples, "
        "not 100 with 10,000: a page whose time grows with the number of careers "
        "shows less of it, so a pass is weaker evidence than the full run's, "
        "while a miss is a miss",
        f"the import rate is of {c['import_files']:,} files, not 1,000, and the "
        f"soak lasts {c['soak_s']} s, not 60",
        f"each figure is {c['runs']} run(s) of {c['duration_s']} s after "
        f"{c['warmup_s']} s of warm-up: short runs are easily disturbed, which is "
        "what the noise checks and the second measurement are for",
    ]


def fmt(value, digits=0):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def page_label(page):
    return "static CSS" if page == "static" else page


def report(results):
    lines = []
    out = lines.append
    m, s, c = results["machine"], results["stack"], results["config"]
    sizes = (c["small"], c["large"])
    kind = "quick (smoke)" if c["quick"] else "full"
    out(f"## Career Portal benchmark, {kind}, {results['started']}")
    out("")
    if results["error"]:
        out(f"**The run failed; partial results.** {results['error']}")
        out("")
    out(
        f"- Machine: {m['cpu_model']}, {m['cores']} cores, {m['memory_gb']} GB; "
        f"{m['os']}"
    )
    out(
        f"- Software: Python {m['python']}, Django {m['django']}, gunicorn "
        f"{m['gunicorn']} ({c['workers']} sync workers, access log formatted to "
        f"/dev/null), {m['wrk']}"
    )
    out(
        f"- Stack: {s.get('database')} {s.get('database_version', '')}, "
        f"cache {s.get('cache')}"
        + (f" {s['cache_version']}" if s.get("cache_version") else "")
        + f"; code {results['code']['describe']}"
    )
    out(
        f"- Load: wrk {c['threads']} threads, {c['connections']} connections, "
        f"{c['duration_s']} s per run after {c['warmup_s']} s warm-up, "
        f"{c['runs']} run(s) per figure, medians; loopback, no compression asked"
    )
    out(
        "- Modes: cache off = server with PAGE_CACHE=false; cache on = "
        "PAGE_CACHE=true, warmed; 304 = the cache-on server sent If-None-Match. "
        "× static = req/s ÷ the static CSS of the same server run. Bytes: whole "
        "response, headers included. Queries: in-process, per request, steady "
        "state. CPU: gunicorn workers' user+sys per request."
    )
    out("")
    info = {size: results["sizes"].get(str(size), {}) for size in sizes}
    seeded = {size: info[size].get("seeded", size) for size in sizes}
    for size in sizes:
        careers = info[size].get("careers")
        out(
            f"### Pages at {fmt(careers)} published careers ({fmt(seeded[size])} "
            "samples + the shipped guide)"
        )
        out("")
        out(
            "| page | mode | req/s | × static | p50 ms | p99 ms | bytes | queries "
            "| CPU ms/req | RSS MB | noise |"
        )
        out("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
        for row in results["pages"]:
            if row["size"] != size:
                continue
            mode = (
                f"{MODE_NAMES[row['mode']]} server"
                if row["page"] == "static"
                else MODE_NAMES[row["mode"]]
            )
            noise = (
                f"noisy {row['noisy_runs']}/{row['runs']}" if row["noisy_runs"] else ""
            )
            bad = row["unexpected_status"] + row["socket_errors"]
            if bad:
                noise = f"{noise} **{bad} bad answers**".strip()
            out(
                f"| {page_label(row['page'])} | {mode} | {fmt(row['rps'])} | "
                f"{fmt(row['ratio'], 3) if row['page'] != 'static' else '1'} | "
                f"{fmt(row['p50_ms'], 1)} | {fmt(row['p99_ms'], 1)} | "
                f"{fmt(row['bytes_per_response'])} | {fmt(row['queries'])} | "
                f"{fmt(row['cpu_ms_per_request'], 2)} | {fmt(row['worker_rss_mb'])} | "
                f"{noise} |"
            )
        out("")
    out(f"### Scale: {fmt(seeded[c['small']])} → {fmt(seeded[c['large']])} samples")
    out("")
    out("| page | mode | p50 ms | p50 ms | growth | req/s | req/s | queries | noise |")
    out("|---|---|--:|--:|--:|--:|--:|---|---|")
    for row in results["scale"]:
        out(
            f"| {row['page']} | {MODE_NAMES[row['mode']]} | "
            f"{fmt(row['p50_ms_small'], 1)} | {fmt(row['p50_ms_large'], 1)} | "
            f"{fmt(row['p50_growth'], 2)}× | {fmt(row['rps_small'])} | "
            f"{fmt(row['rps_large'])} | {fmt(row['queries_small'])} → "
            f"{fmt(row['queries_large'])} | {'noisy' if row['noisy'] else ''} |"
        )
    out("")
    seeds = ", ".join(
        f"{fmt(v['seeded'])} in {fmt(v['seed_s'], 1)} s"
        for v in results["sizes"].values()
    )
    out(f"Seeding (`seed_synthetic`, each size in its own database): {seeds}.")
    out("")
    imp = results["import"]
    section(
        out,
        "Import",
        imp
        and (
            f"`import_careers` of {fmt(imp['files'])} generated files into an "
            f"empty database: {fmt(imp['seconds'], 1)} s, "
            f"**{fmt(imp['careers_per_s'], 1)} careers/s**; the whole process, "
            f"Python and Django start-up included, {fmt(imp['wall_s'], 1)} s "
            f"({fmt(imp['careers_per_s_wall'], 1)} careers/s)."
        ),
    )
    section(out, "Soak", soak_line(results["soak"], seeded))
    noisy = results["summary"]["noisy_runs"]
    total = results["summary"]["runs"]
    out(
        f"Noise: {noisy} of {total} runs flagged noisy: other processes used more "
        f"than {c['noisy_others_pct']:g}% of a core during the run, or their "
        f"1-minute load was above {c['noisy_others_load']:g} before it, or the "
        f"static CSS moved by more than {c['noisy_spread_pct']:g}% (between the "
        "start and the end of a server run, between the two sizes of a scale "
        "figure, or between repetitions)."
    )
    for note in results["notes"]:
        out(f"- Note: {note}")
    out("")
    out("### Targets")
    out("")
    if c["quick"]:
        for note in quick_notes(c):
            out(f"- Quick mode: {note}")
        out("")
    if c["target_scale"] != 1:
        out(
            f"- **BENCH_TARGET_SCALE={c['target_scale']:g}**: every threshold is "
            "that many times stricter (minimums multiplied, maximums divided)."
        )
        out("")
    out("| target | value | goal | noise | result |")
    out("|---|--:|---|---|---|")
    for t in results["targets"]:
        noise = "; ".join(t["noise_reasons"][:3])
        if len(t["noise_reasons"]) > 3:
            noise += f"; and {len(t['noise_reasons']) - 3} more"
        result = VERDICT_TEXT[t["verdict"]]
        if t["verdict"] == "known miss":
            result += f": {t['known_miss']}"
        elif t["verdict"] == "met" and t["known_miss"]:
            result += (
                " (listed as a known miss; if the full run meets it too, take it "
                "off KNOWN_MISSES)"
            )
        if "first" in t:
            first = t["first"]
            result += (
                f"; measured again, the first time {value_text(first['value'])} "
                f"({'; '.join(first['noise_reasons'][:2])})"
            )
        out(
            f"| {t['target']} | {value_text(t['value'])} | {t['goal']} | {noise} "
            f"| {result} |"
        )
    out("")
    s = results["summary"]
    out(
        f"**{s['targets_met']} of {len(results['targets'])} targets met, "
        f"{s['targets_failed']} failed, {s['targets_known_misses']} known "
        f"misses, {s['targets_noisy']} noisy (not judged)** "
        f"({results['elapsed_s']:.0f} s; JSON in bench/results/latest.json)."
    )
    return "\n".join(lines)


def value_text(value):
    if isinstance(value, list):
        return " → ".join(fmt(v) for v in value)
    if isinstance(value, float):
        return fmt(value, 3 if value < 10 else 1)
    return fmt(value)


def section(out, title, line):
    """A heading and its one line, or "Not measured." without one."""
    out(f"### {title}")
    out("")
    out(line or "Not measured.")
    out("")


def soak_line(soak, seeded):
    if not soak:
        return None
    statuses = ", ".join(f"{k}: {fmt(v)}" for k, v in sorted(soak["statuses"].items()))
    errors = soak["errors"]
    return (
        f"{soak['seconds']} s, {soak['connections']} connections, "
        f"{len(soak['paths'])} URLs in turn, page cache {soak['page_cache']}, "
        f"at {fmt(seeded[soak['size']])} samples: {fmt(soak['requests'])} "
        f"requests, {fmt(soak['rps'])}/s, p50 {fmt(soak['p50_ms'], 1)} ms, p99 "
        f"{fmt(soak['p99_ms'], 1)} ms; statuses {statuses}; errors: connect "
        f"{errors['connect']}, read {errors['read']}, write {errors['write']}, "
        f"timeout {errors['timeout']} (at {soak['timeout_s']} s), non-2xx/3xx "
        f"{errors['status']}; worker RSS {fmt(soak['worker_rss_mb'])} MB"
        + (" (noisy)" if soak["noise"]["noisy"] else "")
        + "."
    )
