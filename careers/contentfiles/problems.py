"""What is wrong with content files: one Problem per fault, raised together."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.template.defaultfilters import filesizeformat

# Problems listed per file: enough to fix a file, not one per key of a
# megabyte of junk.
MAX_PROBLEMS = 50


class Problem(str):
    """One problem, read as `file: path: message`, that keeps its parts for
    those who show them apart (the admin's report). The path (`steps.items[0]
    .title`) is empty for a problem of the whole file, and the file for one of
    the whole import."""

    file: str
    path: str
    message: str

    def __new__(cls, file: str, path: str, message: str) -> Problem:
        problem = super().__new__(
            cls, ": ".join(part for part in (file, path, message) if part)
        )
        problem.file, problem.path, problem.message = file, path, message
        return problem


class ContentError(Exception):
    """Raised with every problem found, one `file: path: message` line each."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def report(self, outcome: str) -> str:
        """`outcome` (its `{count}` the number of problems), then every problem,
        one a line: what a command prints."""
        lead = outcome.format(count=len(self.problems))
        return "\n".join([f"{lead}:", *self.problems])


def too_large(filename: str, size: int) -> Problem:
    """The problem of a file over CONTENT_FILE_MAX_BYTES (size 0: unknown)."""
    limit = file_size(settings.CONTENT_FILE_MAX_BYTES)
    # The size as text, for the message.
    size = file_size(size) if size else f"more than {limit}"  # type: ignore[assignment]
    return Problem(
        filename,
        "",
        f"is {size}; a content file may be at most {limit} (CONTENT_FILE_MAX_BYTES)",
    )


def file_size(size: int) -> str:
    # filesizeformat() joins with a no-break space, for HTML.
    return filesizeformat(size).replace("\xa0", " ")
