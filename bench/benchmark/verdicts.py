"""The verdict on each target, and the exit status they give."""

from .config import MISSED
from .report import value_text


def verdict(target, config, remeasured):
    """met, FAIL, known miss, noisy (not judged), or again (measure it again)."""
    if target["pass"]:
        return "met"
    if target["known_miss"] and not config.strict:
        return "known miss"
    if not target["noisy"]:
        return "FAIL"
    if remeasured or not target["remeasure"]:
        return "noisy"
    return "again"


def to_measure_again(targets, config):
    """The ids of the targets missed in a noisy measurement of attempt 1."""
    return [t["id"] for t in targets if verdict(t, config, False) == "again"]


def judge(first, second, again, config, error):
    """The targets of attempt 1 with their verdicts. Those in `again` are
    replaced by their figures in `second` (the targets of attempt 2), keeping
    the first value and noise under "first". `error`: a harness failure, which
    may have cut the second measurement short."""
    second = {t["id"]: t for t in second}
    judged = []
    for target in first:
        if target["id"] in again:
            retried = second[target["id"]]
            retried["first"] = {
                "value": target["value"],
                "noise_reasons": target["noise_reasons"],
            }
            target = retried
        remeasured = target["id"] in again or error is not None
        target["verdict"] = verdict(target, config, remeasured)
        judged.append(target)
    return judged


def verdict_lines(targets):
    """The stderr lines naming each failed target, then each noisy one."""
    lines = [
        f"bench: FAIL {t['id']}: measured {value_text(t['value'])}, target "
        f"{t['goal']}, in a clean measurement ({t['target']})"
        for t in targets
        if t["verdict"] == "FAIL"
    ]
    lines += [
        f"bench: not judged {t['id']}: measured {value_text(t['value'])}, "
        f"target {t['goal']}, noisy twice: {'; '.join(t['noise_reasons'][:3])}"
        for t in targets
        if t["verdict"] == "noisy"
    ]
    return lines


def exit_status(targets):
    """MISSED when a target FAILed, else 0 (harness failures raise before)."""
    return MISSED if any(t["verdict"] == "FAIL" for t in targets) else 0
