"""
Careers as content files: the import's format, written back.

An export imports again to the same career, and exports again to the same
bytes: keys in the guide's order (careers.shape), empty optional values left
out.
"""

import datetime
import decimal
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from portal.progress import Progress, no_progress

from .. import shape
from ..models import CareerPath, CareerPathQuerySet, SalarySource, Source, Stage

HEADER = (
    "# Career Portal content file: one career path. Format: docs/content-format.md\n"
)


class ContentDumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks, so files read like documents."""


def represent_text(dumper: ContentDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


ContentDumper.add_representer(str, represent_text)


def compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop empty optional values so files stay short and stable. Every list
    is required, so an empty one stays: the file must import again."""
    return {key: value for key, value in mapping.items() if value not in ("", None)}


def source_to_dict(source: SalarySource | Source | None) -> dict[str, Any] | None:
    if source is None:
        return None
    fields = {
        "name": source.name,
        "url": source.url,
        "retrieved_on": source.retrieved_on,
    }
    if isinstance(source, SalarySource):
        fields |= {
            "country": source.country,
            "region": source.region,
            # The default is left out, as in the files written before it.
            "pay_period": source.pay_period if source.pay_period != "year" else None,
        }
    return compact(fields)


def facts_to_dict(career: CareerPath) -> dict[str, Any]:
    """The quick facts (shape.FACTS), each left out when unknown."""
    facts: dict[str, Any] = {}
    for fact, fields in shape.FACTS.items():
        values = {}
        for key, name in fields.items():
            value = getattr(career, name)
            if name == "alternative_titles":
                value = career.alternative_title_list or None
            elif isinstance(value, decimal.Decimal):
                value = float(value)
            elif isinstance(value, Source):
                value = source_to_dict(value)
            values[key] = value
        facts[fact] = values[""] if "" in values else compact(values) or None
    return compact(facts)


def career_to_dict(career: CareerPath) -> dict[str, Any]:
    """The content-file form of a career loaded with for_detail()."""
    head = {
        "slug": career.slug,
        "title": career.title,
        "article": career.article,
        "category": career.category.name,
        "status": career.status,
        "publish_at": career.publish_at and career.publish_at.astimezone(datetime.UTC),
        "updated": career.updated_on,
        "last_reviewed": career.last_reviewed,
        "sample": career.is_sample or None,
        "summary": career.summary,
        "facts": facts_to_dict(career) or None,
    }
    body: dict[str, Any] = {}
    for item in shape.BODY:
        if isinstance(item, shape.Text):
            body[item.field] = getattr(career, item.field)
            continue
        texts = shape.SECTION_TEXTS[item.name]
        lists = SECTION_WRITERS[item.name](career)
        body[item.name] = compact(
            {
                key: getattr(career, texts[key].field) if key in texts else lists[key]
                for key in item.keys
            }
        )
    return compact(head | body)


def scores_to_dict(career: CareerPath) -> dict[str, Any]:
    return {
        "scores": [
            compact(
                {
                    "factor": s.factor.name,
                    "score": s.score,
                    "reason": s.reason,
                    "evidence": s.evidence,
                    "sources": [source_to_dict(c.source) for c in s.citations.all()]
                    or None,
                }
            )
            for s in career.scores.all()
        ]
    }


def steps_to_dict(career: CareerPath) -> dict[str, Any]:
    return {
        "items": [
            compact(
                {
                    "title": s.title,
                    "duration_min_months": s.duration_min_months,
                    "duration_max_months": s.duration_max_months,
                    "cost_min": s.cost_min,
                    "cost_max": s.cost_max,
                    "cost_currency": s.cost_currency,
                    "text": s.text,
                }
            )
            for s in career.steps.all()
        ]
    }


def stages_to_dict(career: CareerPath) -> dict[str, Any]:
    """The stages, with their source given once when they share it."""
    stages = list(career.stages.all())
    sources = {stage.source_id for stage in stages}
    shared_source = stages[0].source if len(sources) == 1 and stages else None

    def stage_to_dict(stage: Stage) -> dict[str, Any]:
        entry: dict[str, Any] = {"title": stage.title}
        if stage.has_salary:
            entry |= compact(
                {
                    "salary_min": stage.salary_min,
                    "salary_max": stage.salary_max,
                    "salary_median": stage.salary_median,
                    "currency": stage.currency,
                    "pay_period": stage.pay_period,
                }
            )
        if shared_source is None and stage.source is not None:
            entry["source"] = source_to_dict(stage.source)
        entry["description"] = stage.description
        return entry

    return {
        "source": source_to_dict(shared_source),
        "stages": [stage_to_dict(stage) for stage in stages],
    }


def skills_to_dict(career: CareerPath) -> dict[str, Any]:
    return {
        "items": [
            compact(
                {
                    "skill": entry.skill.name,
                    "title": entry.title,
                    "description": entry.description,
                }
            )
            for entry in career.skills.all()
        ]
    }


def education_to_dict(career: CareerPath) -> dict[str, Any]:
    return {
        "items": [
            {"kind": item.kind, "title": item.title, "text": item.text}
            for item in career.education.all()
        ]
    }


# Each section's list (and the progression's shared source), by the section's
# name in careers.shape: the readers' counterparts (parse.SECTION_READERS).
SECTION_WRITERS = {
    "good_career": scores_to_dict,
    "steps": steps_to_dict,
    "progression": stages_to_dict,
    "skills": skills_to_dict,
    "education": education_to_dict,
}


def dump_career(career: CareerPath) -> str:
    return dump(career_to_dict(career))


def dump(data: dict[str, Any]) -> str:
    """A content file of `data`, a career in the content-file form."""
    body = yaml.dump(
        data, Dumper=ContentDumper, sort_keys=False, allow_unicode=True, width=88
    )
    return HEADER + body


class ExportConflict(Exception):
    """Files that an export would overwrite with different content."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = paths
        super().__init__(", ".join(map(str, paths)))


def export_careers(
    directory: str | os.PathLike[str],
    slugs: Iterable[str] | None = None,
    *,
    force: bool = False,
    progress: Progress = no_progress,
) -> list[Path]:
    """Write one `<slug>.yaml` per career into `directory`; return the paths.

    Raises ExportConflict, writing nothing, if a file there already holds
    something else, unless `force`; a file that holds the same is left as is.
    """
    directory = Path(directory)
    # The careers, then each with its file.
    careers: CareerPathQuerySet | list[tuple[CareerPath, Path]]
    careers = CareerPath.objects.for_detail().order_by("slug")
    if slugs:
        careers = careers.filter(slug__in=slugs)
    careers = [(career, directory / f"{career.slug}.yaml") for career in careers]
    unchanged: set[Path]
    conflicts: list[Path]
    unchanged, conflicts = set(), []
    if not force:
        # Each career is dumped once: here if its file exists, else below.
        for career, path in careers:
            if path.exists() or path.is_symlink():
                if holds(path, dump_career(career)):
                    unchanged.add(path)
                else:
                    conflicts.append(path)
    if conflicts:
        raise ExportConflict(conflicts)
    directory.mkdir(parents=True, exist_ok=True)
    for career, path in progress(careers, desc="Exporting"):
        if path not in unchanged:
            path.write_text(dump_career(career), encoding="utf-8")
    return [path for _career, path in careers]


def holds(path: Path, text: str) -> bool:
    """Whether the file at `path` holds exactly `text`."""
    try:
        return path.read_bytes() == text.encode()
    except OSError:  # a directory, a dangling link: not the same
        return False
