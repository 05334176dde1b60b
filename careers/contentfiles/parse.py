"""
Reading one content file into unsaved models, or every problem it has.

The career's own fields and texts come from careers.shape; each section's
list has a small reader of its own below (SECTION_READERS).
"""

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError

from .. import shape
from ..models import (
    CareerPath,
    CareerSkill,
    Category,
    EducationRequirement,
    Factor,
    FactorScore,
    SalarySource,
    Skill,
    Stage,
    Step,
)
from . import safe_yaml
from .problems import ContentError, Problem, too_large
from .reader import Reader, place
from .safe_yaml import quote

SOURCE_KEYS = ["name", "url", "retrieved_on"]

# A section's reader: the entries of its list, read into ParsedCareer.
SectionReader = Callable[[Reader, dict[str, Any], shape.Section, "ParsedCareer"], None]


@dataclass
class ParsedCareer:
    """A validated content file, as unsaved model instances."""

    filename: str
    career: CareerPath
    category: str
    scores: list[tuple[str, FactorScore]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    # (the source's fields or None, Stage)
    stages: list[tuple[dict[str, Any] | None, Stage]] = field(default_factory=list)
    skills: list[tuple[str, CareerSkill]] = field(default_factory=list)
    education: list[EducationRequirement] = field(default_factory=list)


def parse_file(path: str | os.PathLike[str]) -> ParsedCareer:
    """Read and validate one content file; return a ParsedCareer or raise."""
    path = Path(path)
    limit = settings.CONTENT_FILE_MAX_BYTES
    try:
        with path.open("rb") as file:
            # Never more than the limit, whatever the path is (/dev/zero: the
            # size of anything but a regular file is given as 0, unknown).
            data = file.read(limit + 1)
            size = path.stat().st_size
        if len(data) > limit:
            raise ContentError([too_large(path.name, size)])
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(
            [Problem(path.name, "", f"cannot be read: {error}")]
        ) from error
    return parse_text(text, path.name)


def parse_text(text: str, filename: str) -> ParsedCareer:
    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError as error:
        # load() raises only MarkedYAMLError, which has the place.
        raise ContentError([safe_yaml.problem(filename, error)]) from error  # type: ignore[arg-type]
    return parse_data(data, filename)


def parse_data(data: object, filename: str) -> ParsedCareer:
    """Validate one career path already read from YAML (or built in code)."""
    if not isinstance(data, dict):
        raise ContentError(
            [Problem(filename, "", "must hold one career path as a mapping")]
        )
    reader = Reader(filename)
    reader.check_keys(data, "", shape.FILE_KEYS)

    career = CareerPath(
        slug=reader.text(data, "slug", ""),
        title=reader.text(data, "title", ""),
        article=reader.text(data, "article", "", required=False) or "a",
        status=reader.text(data, "status", "", required=False) or "draft",
        is_sample=reader.boolean(data, "sample", ""),
        publish_at=reader.moment(data, "publish_at", ""),
        last_reviewed=reader.date(data, "last_reviewed", ""),
        summary=reader.text(data, "summary", ""),
    )
    for text in shape.TEXTS:
        if not text.section:
            value = reader.text(data, text.field, "", required=text.required)
            setattr(career, text.field, value)
    parsed = ParsedCareer(
        filename=filename,
        career=career,
        category=reader.name(data, "category", "", Category),
    )
    for section in shape.SECTIONS:
        values = reader.mapping(data, section.name, "", allowed=list(section.keys))
        for key, text in shape.SECTION_TEXTS[section.name].items():
            value = reader.text(values, key, section.name, required=text.required)
            setattr(career, text.field, value)
        SECTION_READERS[section.name](reader, values, section, parsed)

    # A file updates the career with its slug in place, keeping its row and
    # creation date; validation must know that to check uniqueness.
    existing = valid_slug(career.slug) and (
        CareerPath.objects.filter(slug=career.slug).first()
    )
    if existing:
        career.pk, career.created = existing.pk, existing.created
        career._state.adding = False
    reader.full_clean(career, "", exclude=["category"])
    if reader.problems:
        raise ContentError(reader.all_problems())
    return parsed


def valid_slug(slug: str) -> bool:
    # Only a valid slug is looked up: PostgreSQL refuses a query with NUL.
    try:
        CareerPath._meta.get_field("slug").run_validators(slug)
    except ValidationError:
        return False
    return True


def entries(
    reader: Reader,
    values: dict[str, Any],
    section: shape.Section,
    allowed: Sequence[str],
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(position, path, mapping) of each entry of the section's list."""
    items = reader.items(values, section.items, section.name, allowed=allowed)
    for position, (where, item) in enumerate(items, start=1):
        yield position, where, item


def named_entries(
    reader: Reader,
    values: dict[str, Any],
    section: shape.Section,
    allowed: list[str],
    key: str,
    model: type[Factor | Skill],
    listed: str,
) -> Iterator[tuple[int, str, dict[str, Any], str]]:
    """As entries(), with the name of the shared row each entry names under
    `key`, which a list may name only once."""
    seen: dict[str, str] = {}
    for position, where, item in entries(reader, values, section, allowed):
        name = reader.name(item, key, where, model)
        if name and name in seen:
            message = f"{quote(name)} is already {listed} at {seen[name]}"
            reader.problem(place(where, key), message)
        seen[name] = where
        yield position, where, item, name


def read_scores(
    reader: Reader, values: dict[str, Any], section: shape.Section, parsed: ParsedCareer
) -> None:
    allowed = ["factor", "score", "reason"]
    for _position, where, item, factor in named_entries(
        reader, values, section, allowed, "factor", Factor, "scored"
    ):
        # A missing score is None here; the problem is recorded, and the row
        # is never saved.
        score = FactorScore(  # type: ignore[misc]
            score=reader.integer(item, "score", where),
            reason=reader.text(item, "reason", where),
        )
        reader.full_clean(score, where, exclude=["career", "factor"])
        parsed.scores.append((factor, score))


def texts_reader(
    model: type[Step | EducationRequirement], keys: list[str]
) -> SectionReader:
    """The reader of a list whose entries are required texts (steps,
    education): the `keys` of `model`."""

    def read(
        reader: Reader,
        values: dict[str, Any],
        section: shape.Section,
        parsed: ParsedCareer,
    ) -> None:
        rows = getattr(parsed, section.children)
        for position, where, item in entries(reader, values, section, keys):
            texts = {key: reader.text(item, key, where) for key in keys}
            row = model(position=position, **texts)
            reader.full_clean(row, where, exclude=["career"])
            rows.append(row)

    return read


STAGE_KEYS = ["title", "salary_min", "salary_max", "currency", "source", "description"]


def read_stages(
    reader: Reader, values: dict[str, Any], section: shape.Section, parsed: ParsedCareer
) -> None:
    default_source = read_source(reader, values, section.name)
    for position, where, item in entries(reader, values, section, STAGE_KEYS):
        stage = Stage(
            position=position,
            title=reader.text(item, "title", where),
            description=reader.text(item, "description", where),
            salary_min=reader.integer(item, "salary_min", where, required=False),
            salary_max=reader.integer(item, "salary_max", where, required=False),
            currency=reader.text(item, "currency", where, required=False) or "USD",
        )
        reader.full_clean(stage, where, exclude=["career", "source"])
        source = (
            read_source(reader, item, where) if "source" in item else default_source
        )
        parsed.stages.append((source, stage))


def read_source(
    reader: Reader, data: dict[str, Any], path: str
) -> dict[str, Any] | None:
    source = reader.mapping(data, "source", path, allowed=SOURCE_KEYS, required=False)
    if not source:
        return None
    where = place(path, "source")
    values = {
        "name": reader.text(source, "name", where),
        "url": reader.text(source, "url", where, required=False),
        "retrieved_on": reader.date(source, "retrieved_on", where),
    }
    reader.full_clean(SalarySource(**values), where, exclude=[])
    return values


def read_skills(
    reader: Reader, values: dict[str, Any], section: shape.Section, parsed: ParsedCareer
) -> None:
    allowed = ["skill", "title", "description"]
    for position, where, item, name in named_entries(
        reader, values, section, allowed, "skill", Skill, "listed"
    ):
        entry = CareerSkill(
            position=position,
            title=reader.text(item, "title", where, required=False),
            description=reader.text(item, "description", where),
        )
        reader.full_clean(entry, where, exclude=["career", "skill"])
        parsed.skills.append((name, entry))


# Each section's list, by the section's name in careers.shape.
SECTION_READERS = {
    "good_career": read_scores,
    "steps": texts_reader(Step, ["title", "text"]),
    "progression": read_stages,
    "skills": read_skills,
    "education": texts_reader(EducationRequirement, ["kind", "title", "text"]),
}
