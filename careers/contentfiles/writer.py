"""
Writing validated careers: the one writer of the import command, the admin's
import and the demo's sample careers.

Import is all-or-nothing: every file is read and validated before anything
is written, and the writes happen in one transaction, so a bad file leaves
the database as it was.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, TypeVar

import reversion
from django.db import DatabaseError, transaction
from django.db.models import Max, prefetch_related_objects
from django.utils.text import slugify

from portal.progress import Progress, no_progress

from .. import changes, shape
from ..models import (
    CareerPath,
    Category,
    Factor,
    SalarySource,
    ScoreCitation,
    Skill,
    Source,
)
from .parse import ParsedCareer, parse_file
from .problems import ContentError, Problem
from .safe_yaml import quote

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The shared rows found or created by name.
Named = TypeVar("Named", Category, Factor, Skill)
T = TypeVar("T")


def import_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    dry_run: bool = False,
    record: bool = False,
    progress: Progress = no_progress,
) -> list[ParsedCareer]:
    """Validate every file, then write them all in one transaction.

    Returns the ParsedCareer of each file. Raises ContentError listing every
    problem in every file, in which case nothing has been written. `record`
    adds each career to its history, in revisions of REVISION_SIZE careers:
    one revision of many careers costs reversion time in the square of their
    rows, and one per career costs queries. `progress` wraps the reading and
    the writing (portal.progress.progress on a terminal).
    """
    parsed: list[ParsedCareer]
    problems: list[Problem]
    parsed, problems, others = [], [], OtherFiles()
    for path in progress(paths, desc="Checking", unit="file"):
        try:
            item = parse_file(path)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        problems.extend(others.problems(item))
        parsed.append(item)
    if problems:
        raise ContentError(problems)
    if dry_run:
        return parsed
    try:
        write_all(parsed, record=record, revision_size=REVISION_SIZE, progress=progress)
    except DatabaseError as error:
        message = f"the database refused the import: {error}"
        raise ContentError([Problem("", "", message)]) from error
    return parsed


class OtherFiles:
    """What must differ between the files of one import: their slugs, and the
    titles of their real guides in any case (as the database's constraint)."""

    slugs: dict[str, str]  # slug: file
    titles: dict[str, str]  # title_key(): file

    def __init__(self) -> None:
        self.slugs, self.titles = {}, {}

    def problems(self, item: ParsedCareer) -> list[Problem]:
        career = item.career
        # (field, the value as compared, as written, the files seen so far)
        held = [("slug", career.slug, career.slug, self.slugs)]
        if not career.is_sample:
            held.append(("title", title_key(career.title), career.title, self.titles))
        problems = []
        for field, key, value, seen in held:
            if key in seen:
                message = f"{quote(value)} is also the {field} in {seen[key]}"
                problems.append(Problem(item.filename, field, message))
            seen.setdefault(key, item.filename)
        return problems


def title_key(title: str) -> str:
    # As the database's lower(), on the titles people write.
    return title.lower()


def unique_slug(model: type[Named], name: str) -> str:
    base = slugify(name)[:90] or "item"
    slug, suffix = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def get_or_create_named(model: type[Named], name: str) -> Named:
    return model.objects.filter(name=name).first() or create_named(model, name)


def create_named(model: type[Named], name: str, **fields: Any) -> Named:
    return model.objects.create(name=name, slug=unique_slug(model, name), **fields)


def get_factor(name: str) -> Factor:
    """The factor called `name`; a new one goes after all the others."""
    return Factor.objects.filter(name=name).first() or create_named(
        Factor,
        name,
        position=(Factor.objects.aggregate(last=Max("position"))["last"] or 0) + 1,
    )


# Careers per revision when an import records them (write_all).
REVISION_SIZE = 25


def write_all(
    parsed: Sequence[ParsedCareer],
    *,
    record: bool = False,
    comment: str | None = None,
    user: User | None = None,
    revision_size: int | None = REVISION_SIZE,
    written: Callable[[ParsedCareer, bool], object] | None = None,
    progress: Progress = no_progress,
) -> None:
    """Write validated careers in one transaction, their derived state once
    at the end (careers.changes), with the rows they share found once.

    `record` adds each career to its history, in revisions of `revision_size`
    careers (None: one revision) with `comment` (by default the file names)
    and `user`: one revision of many careers costs reversion time in the square
    of their rows, and one per career costs queries. `written(item, added)` is
    called after each career is written.
    """
    with transaction.atomic(), changes.deferred():
        shared = SharedRows()
        items = iter(progress(parsed, desc="Writing"))
        size = revision_size or len(parsed) or 1
        while batch := list(itertools.islice(items, size)):
            # Manually: record_careers() adds the careers once their children
            # exist. Not atomic: the transaction already is.
            revision = reversion.create_revision(manage_manually=True, atomic=False)
            with revision if record else nullcontext():
                for item in batch:
                    added = item.career.pk is None
                    write(item, shared)
                    if written:
                        written(item, added)
                if record:
                    names = ", ".join(item.filename for item in batch)
                    reversion.set_comment(comment or f"Imported from {names}")
                    if user is not None:
                        reversion.set_user(user)
                    record_careers([item.career for item in batch])


class SharedRows:
    """The categories, factors, skills and salary sources that careers share,
    found or created once per import rather than once per career."""

    def __init__(self) -> None:
        # (model, its fields): the row, as find() in get() returned it.
        self.rows: dict[tuple[Any, ...], Any] = {}

    def category(self, name: str) -> Category:
        return self.get((Category, name), lambda: get_or_create_named(Category, name))

    def factor(self, name: str) -> Factor:
        return self.get((Factor, name), lambda: get_factor(name))

    def skill(self, name: str) -> Skill:
        return self.get((Skill, name), lambda: get_or_create_named(Skill, name))

    def source(self, fields: dict[str, Any]) -> SalarySource:
        return self.cited(SalarySource, fields)

    def citation(self, fields: dict[str, Any]) -> Source:
        return self.cited(Source, fields)

    def cited(self, model: type[T], fields: dict[str, Any]) -> T:
        # filter().first(): the admin allows two identical sources; either will do.
        return self.get(  # type: ignore[no-any-return]  # the model's row
            (model, tuple(sorted(fields.items()))),
            lambda: (
                model.objects.filter(**fields).first()  # type: ignore[attr-defined]
                or model.objects.create(**fields)  # type: ignore[attr-defined]
            ),
        )

    def get(self, key: tuple[Any, ...], find: Callable[[], T]) -> T:
        if key not in self.rows:
            self.rows[key] = find()
        return self.rows[key]  # type: ignore[no-any-return]  # see __init__


# How the rows of a list link to the rows careers share, by the list's name
# in careers.shape: its parsed entries are (name, or source fields, row).
LINKS: dict[str, tuple[str, Callable[[SharedRows, Any], Any]]] = {
    "scores": ("factor", SharedRows.factor),
    "stages": ("source", SharedRows.source),
    "skills": ("skill", SharedRows.skill),
}


@changes.deferred()
def write(parsed: ParsedCareer, shared: SharedRows | None = None) -> None:
    """Create or replace one career path and all its children. Pass the same
    SharedRows to each write() of one transaction to save queries."""
    shared = shared or SharedRows()
    career = parsed.career
    career.category = shared.category(parsed.category)
    for field, fields in parsed.sources.items():
        setattr(career, field, shared.citation(fields))
    replacing = career.pk is not None
    career.save()
    for name in shape.CHILDREN:
        children = getattr(career, name)
        if replacing:
            children.all().delete()
        rows = []
        for entry in getattr(parsed, name):
            if name in LINKS:
                key, row = entry
                field, find = LINKS[name]
                # read_source() gives None rather than an empty mapping.
                setattr(row, field, key and find(shared, key))
            else:
                row = entry
            row.career = career
            rows.append(row)
        children.model.objects.bulk_create(rows)
        if name == "scores":
            write_citations(rows, parsed.citations, shared)


def write_citations(
    scores: Sequence[Any],
    citations: Sequence[Sequence[dict[str, Any]]],
    shared: SharedRows,
) -> None:
    """The sources each score cites, in order (the scores are saved)."""
    ScoreCitation.objects.bulk_create(
        ScoreCitation(score=score, position=position, source=shared.citation(fields))
        for score, cited in zip(scores, citations, strict=True)
        for position, fields in enumerate(cited, start=1)
    )


def record_careers(careers: Sequence[CareerPath]) -> None:
    """Add written careers, with their children, to the active revision.

    The children were bulk-created, unseen by reversion. They are prefetched
    for all the careers at once, as reversion would read each row and its name
    (a score's is its factor's) one query at a time.
    """
    prefetch_related_objects(
        careers,
        *(f"{name}__factor" if name == "scores" else name for name in shape.CHILDREN),
        "scores__citations__source",
    )
    for career in careers:
        reversion.add_to_revision(career)
