"""
Progress bars for long management commands, on a terminal only.

A person at a terminal wants to see that a long import or seeding is moving
and when it will end; a script or a pipe wants nothing but the command's
output. So a bar (tqdm: counts, rate and an estimate of the time left) is
drawn on stderr when stderr is a terminal and the command was not asked to
be quiet (`--verbosity 0`); otherwise the iterable comes back untouched, at
no cost. stdout is never written to, so it keeps carrying only the output.

Usage, in a command's handle() or a library function it calls:

    from portal.progress import progress

    for path in progress(paths, desc="Importing", verbosity=options["verbosity"]):
        ...

Pass `total` when the iterable has no len() (a generator). A library function
that should stay free of command options takes a `progress` callable instead,
defaulting to `no_progress`, and the command passes
`functools.partial(progress, verbosity=options["verbosity"])`.
"""

import os
import sys
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from tqdm import tqdm

T = TypeVar("T")


class Progress(Protocol):
    """What a library function's `progress` argument is called as."""

    def __call__(
        self, iterable: Iterable[T], *, desc: str, unit: str = ...
    ) -> Iterable[T]: ...


def progress(
    iterable: Iterable[T],
    *,
    desc: str,
    verbosity: int = 1,
    total: int | None = None,
    unit: str = "career",
) -> Iterable[T]:
    """`iterable`, counted by a bar on stderr when stderr is a terminal."""
    if verbosity == 0 or not stderr_is_terminal():
        return iterable
    columns, lines = terminal_size()
    return tqdm(
        iterable,
        desc=desc,
        total=total,
        unit=unit,
        file=sys.stderr,
        # Redraw at most twice a second: cheap even for 100,000 quick items.
        mininterval=0.5,
        ncols=columns,
        nrows=lines,
    )


def no_progress(iterable: Iterable[T], **options: Any) -> Iterable[T]:
    """The silent stand-in for `progress`, for library functions' defaults."""
    return iterable


def terminal_size() -> tuple[int, int]:
    # A terminal that reports no size (0 by 0, as a bare pty does) would get
    # no bar at all from tqdm.
    try:
        columns, lines = os.get_terminal_size(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        columns = lines = 0
    return (columns if columns > 0 else 80), (lines if lines > 0 else 24)


def stderr_is_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
