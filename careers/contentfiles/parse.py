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
    Source,
    Stage,
    Step,
)
from . import safe_yaml
from .problems import ContentError, Problem, too_large
from .reader import Reader, place
from .safe_yaml import quote

CITED_KEYS = ["name", "url", "retrieved_on"]
SOURCE_KEYS = [*CITED_KEYS, "country", "region", "pay_period"]

# A section's reader: the entries of its list, read into ParsedCareer.
SectionReader = Callable[[Reader, dict[str, Any], shape.Section, "ParsedCareer"], None]


@dataclass
class ParsedCareer:
    """A validated content file, as unsaved model instances."""

    filename: str
    career: CareerPath
    category: str
    # (the factor's name, FactorScore, the fields of each source it cites)
    scores: list[tuple[str, FactorScore]] = field(default_factory=list)
    citations: list[list[dict[str, Any]]] = field(default_factory=list)
    # The career's cited sources (employment_source…): their fields.
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
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
        updated_on=reader.date(data, "updated", ""),
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
    read_facts(reader, data, parsed)
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
    reader.full_clean(career, "", exclude=["category", *parsed.sources])
    if reader.problems:
        raise ContentError(reader.all_problems())
    return parsed


def read_facts(reader: Reader, data: dict[str, Any], parsed: ParsedCareer) -> None:
    """The optional quick facts (shape.FACTS) onto the career."""
    facts = reader.mapping(data, "facts", "", allowed=list(shape.FACTS), required=False)
    career = parsed.career
    titles = reader.strings(facts, "alternative_titles", "facts")
    career.alternative_titles = "\n".join(titles)
    for key in ("work_experience", "on_the_job_training"):
        setattr(career, key, reader.text(facts, key, "facts", required=False))
    keys = shape.FACTS["codes"]
    codes = reader.mapping(facts, "codes", "facts", allowed=list(keys), required=False)
    for key, name in keys.items():
        setattr(career, name, reader.code(codes, key, "facts.codes"))
    figures: dict[str, dict[str, Callable[..., Any]]] = {
        "employment": {"jobs": reader.integer, "year": reader.integer},
        "projection": {
            "change_percent": reader.number,
            "from_year": reader.integer,
            "to_year": reader.integer,
        },
    }
    for fact, readers in figures.items():
        keys = shape.FACTS[fact]
        values = reader.mapping(
            facts, fact, "facts", allowed=list(keys), required=False
        )
        where = f"facts.{fact}"
        for key, read in readers.items():
            value = read(values, key, where, required=bool(values))
            setattr(career, keys[key], value)
        source = read_source(reader, values, where, CITED_KEYS, Source)
        if source:
            parsed.sources[keys["source"]] = source


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
    allowed = ["factor", "score", "reason", "evidence", "sources"]
    for position, where, item, factor in named_entries(
        reader, values, section, allowed, "factor", Factor, "scored"
    ):
        # A missing score is None here; the problem is recorded, and the row
        # is never saved.
        score = FactorScore(  # type: ignore[misc]
            position=position,
            score=reader.integer(item, "score", where),
            reason=reader.text(item, "reason", where),
            evidence=reader.text(item, "evidence", where, required=False),
        )
        reader.full_clean(score, where, exclude=["career", "factor"])
        parsed.scores.append((factor, score))
        sources = reader.items(
            item, "sources", where, allowed=CITED_KEYS, required=False
        )
        parsed.citations.append(
            [read_cited(reader, source, path, Source) for path, source in sources]
        )


def texts_reader(
    model: type[Step | EducationRequirement],
    keys: list[str],
    optional: list[str] = [],  # noqa: B006 (never changed)
) -> SectionReader:
    """The reader of a list whose entries are required texts (steps,
    education): the `keys` of `model`, and its `optional` keys, whole numbers
    but for those that end in `currency`."""

    def read(
        reader: Reader,
        values: dict[str, Any],
        section: shape.Section,
        parsed: ParsedCareer,
    ) -> None:
        rows = getattr(parsed, section.children)
        for position, where, item in entries(
            reader, values, section, [*keys, *optional]
        ):
            fields: dict[str, Any] = {
                key: reader.text(item, key, where) for key in keys
            }
            for key in optional:
                fields[key] = (
                    reader.text(item, key, where, required=False)
                    if key.endswith("currency")
                    else reader.integer(item, key, where, required=False)
                )
            row = model(position=position, **fields)
            reader.full_clean(row, where, exclude=["career"])
            rows.append(row)

    return read


STAGE_KEYS = [
    "title",
    "salary_min",
    "salary_max",
    "salary_median",
    "currency",
    "pay_period",
    "source",
    "description",
]


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
            salary_median=reader.integer(item, "salary_median", where, required=False),
            currency=reader.text(item, "currency", where, required=False) or "USD",
            pay_period=reader.text(item, "pay_period", where, required=False),
        )
        reader.full_clean(stage, where, exclude=["career", "source"])
        source = (
            read_source(reader, item, where) if "source" in item else default_source
        )
        parsed.stages.append((source, stage))


def read_source(
    reader: Reader,
    data: dict[str, Any],
    path: str,
    keys: list[str] = SOURCE_KEYS,
    model: type[Source | SalarySource] = SalarySource,
) -> dict[str, Any] | None:
    """The fields of the `source` in `data`, or None without one."""
    source = reader.mapping(data, "source", path, allowed=keys, required=False)
    if not source:
        return None
    return read_cited(reader, source, place(path, "source"), model)


def read_cited(
    reader: Reader,
    source: dict[str, Any],
    where: str,
    model: type[Source | SalarySource],
) -> dict[str, Any]:
    """The fields of a source, named at `where`: those of `model` in the file."""
    values: dict[str, Any] = {
        "name": reader.text(source, "name", where),
        "url": reader.text(source, "url", where, required=False),
        "retrieved_on": reader.date(source, "retrieved_on", where),
    }
    if model is SalarySource:
        for key in ("country", "region"):
            values[key] = reader.text(source, key, where, required=False)
        values["pay_period"] = (
            reader.text(source, "pay_period", where, required=False)
            or SalarySource._meta.get_field("pay_period").default
        )
    reader.full_clean(model(**values), where, exclude=[])
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
    "steps": texts_reader(
        Step,
        ["title", "text"],
        [
            "duration_min_months",
            "duration_max_months",
            "cost_min",
            "cost_max",
            "cost_currency",
        ],
    ),
    "progression": read_stages,
    "skills": read_skills,
    "education": texts_reader(EducationRequirement, ["kind", "title", "text"]),
}
