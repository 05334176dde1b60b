"""
Content files: one career path per YAML file, imported and exported whole.

The format is documented in docs/content-format.md. Import is all-or-nothing:
every file is read and validated before anything is written, and the writes
happen in one transaction, so a bad file leaves the database as it was.
"""

import datetime
import itertools
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import reversion
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max, prefetch_related_objects
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify

from portal.progress import no_progress

from . import derived, safe_yaml
from .models import (
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
from .safe_yaml import clip, quote

HEADER = (
    "# Career Portal content file: one career path. Format: docs/content-format.md\n"
)


class ContentError(Exception):
    """Raised with every problem found, one `file: path: message` line each."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ParsedCareer:
    """A validated content file, as unsaved model instances."""

    filename: str
    career: CareerPath
    category: str
    scores: list = field(default_factory=list)  # (factor name, FactorScore)
    steps: list = field(default_factory=list)
    stages: list = field(default_factory=list)  # (source dict or None, Stage)
    skills: list = field(default_factory=list)  # (skill name, CareerSkill)
    education: list = field(default_factory=list)


def place(path, key):
    """Where `key` is in a file: `steps.items[0].title`, or `title` at the top."""
    return f"{path}.{key}" if path else key


class Reader:
    """Reads typed values out of parsed YAML, recording problems by field path."""

    def __init__(self, filename):
        self.filename = filename
        self.problems = []
        self.problem_paths = set()
        self.unlisted = 0

    def problem(self, path, message):
        self.problem_paths.add(path)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{self.filename}: {path}: {message}")
        else:
            self.unlisted += 1

    def all_problems(self):
        more = [f"{self.filename}: and {self.unlisted} more problem(s)"]
        return self.problems + (more if self.unlisted else [])

    def mapping(self, data, key, path, *, allowed, required=True):
        value = data.get(key) if isinstance(data, dict) else None
        where = place(path, key)
        if value is None:
            if required:
                self.problem(where, "is required")
            return {}
        if not isinstance(value, dict):
            self.problem(
                where, f"must be a mapping of keys to values, not {quote(value)}"
            )
            return {}
        self.check_keys(value, where, allowed)
        return value

    def check_keys(self, data, path, allowed):
        for key in data:
            if key not in allowed:
                name = key if isinstance(key, str) else quote(key)
                name = clip(name)
                where = place(path, name)
                self.problem(
                    where, f"unknown field; expected one of {', '.join(allowed)}"
                )

    def items(self, data, key, path, *, allowed, required=True):
        """The list under `key`, yielding (path, mapping) for each entry."""
        value = data.get(key)
        where = place(path, key)
        if value is None:
            if required:
                self.problem(where, "is required")
            return
        if not isinstance(value, list):
            self.problem(where, f"must be a list, not {quote(value)}")
            return
        for index, item in enumerate(value):
            item_path = f"{where}[{index}]"
            if not isinstance(item, dict):
                self.problem(
                    item_path, f"must be a mapping of keys to values, not {quote(item)}"
                )
                continue
            self.check_keys(item, item_path, allowed)
            yield item_path, item

    def text(self, data, key, path, *, required=True):
        value = data.get(key)
        where = place(path, key)
        if value is None or value == "":
            if required:
                self.problem(where, "is required")
            return ""
        if not isinstance(value, str):
            self.problem(where, f"must be text, not {quote(value)}")
            return ""
        return value.strip()

    def boolean(self, data, key, path):
        value = data.get(key, False)
        if not isinstance(value, bool):
            where = place(path, key)
            self.problem(where, f"must be true or false, not {quote(value)}")
            return False
        return value

    def integer(self, data, key, path, *, required=True):
        value = data.get(key)
        where = place(path, key)
        if value is None:
            if required:
                self.problem(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"must be a whole number, not {quote(value)}")
            return None
        return value

    def date(self, data, key, path):
        value = data.get(key)
        if value is None or (
            isinstance(value, datetime.date)
            and not isinstance(value, datetime.datetime)
        ):
            return value
        where = place(path, key)
        self.problem(where, f"must be a date written as YYYY-MM-DD, not {quote(value)}")
        return None

    def moment(self, data, key, path):
        """A date and time; without an offset it is read as UTC."""
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, datetime.datetime):
            where = place(path, key)
            self.problem(
                where,
                "must be a date and time written as YYYY-MM-DD HH:MM:SS+00:00, "
                f"not {quote(value)}",
            )
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value.astimezone(datetime.UTC)

    def name(self, data, key, path, model):
        """The name of a shared row (category, factor, skill), held to the
        limits of `model.name` as the database will hold it."""
        value = self.text(data, key, path)
        where = place(path, key)
        if value:
            try:
                value = model._meta.get_field("name").clean(value, None)
            except ValidationError as error:
                for message in error.messages:
                    self.problem(where, message)
        return value

    def full_clean(self, instance, path, exclude):
        """Run the model's own validation, reporting errors under `path`, at
        the place in the file of each field.

        Fields already reported as missing or mistyped are not checked again.
        """
        exclude = [
            *exclude,
            *(
                f.name
                for f in instance._meta.fields
                if place(path, SECTION_PATHS.get(f.name, f.name)) in self.problem_paths
            ),
        ]
        try:
            # Each check constraint has a twin in Python (a validator, the
            # choices or clean()) that gives the message; checking it in the
            # database too would cost a query per constraint per row, and the
            # database still enforces it when the import writes.
            instance.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = (
                    path
                    if name == "__all__"
                    else place(path, SECTION_PATHS.get(name, name))
                )
                for message in messages:
                    self.problem(where, message)


# The career's fields that a file holds in a section: good_career.summary is
# good_career_summary.
SECTION_PATHS = {
    f"{section}_{part}": f"{section}.{part}"
    for section, parts in {
        "good_career": ["intro", "summary"],
        "steps": ["intro", "outro"],
        "progression": ["intro", "outro"],
        "skills": ["intro"],
        "education": ["intro", "outro"],
    }.items()
    for part in parts
}

CAREER_KEYS = [
    "slug",
    "title",
    "article",
    "category",
    "status",
    "publish_at",
    "last_reviewed",
    "sample",
    "summary",
    "intro",
    "why_choose",
    "good_career",
    "steps",
    "progression",
    "skills",
    "education",
    "outlook",
]
SOURCE_KEYS = ["name", "url", "retrieved_on"]


def too_large(filename, size):
    """The problem of a file over CONTENT_FILE_MAX_BYTES (size 0: unknown)."""
    limit = file_size(settings.CONTENT_FILE_MAX_BYTES)
    size = file_size(size) if size else f"more than {limit}"
    return (
        f"{filename}: is {size}; a content file may be at most {limit} "
        "(CONTENT_FILE_MAX_BYTES)"
    )


def file_size(size):
    # filesizeformat() joins with a no-break space, for HTML.
    return filesizeformat(size).replace("\xa0", " ")


def parse_file(path):
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
        raise ContentError([f"{path.name}: cannot be read: {error}"]) from error
    return parse_text(text, path.name)


# Problems listed per file: enough to fix a file, not one per key of a
# megabyte of junk.
MAX_PROBLEMS = 50


def parse_text(text, filename):
    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError as error:
        raise ContentError([safe_yaml.problem(filename, error)]) from error
    return parse_data(data, filename)


def parse_data(data, filename):
    """Validate one career path already read from YAML (or built in code)."""
    if not isinstance(data, dict):
        raise ContentError([f"{filename}: must hold one career path as a mapping"])
    reader = Reader(filename)
    reader.check_keys(data, "", CAREER_KEYS)

    career = CareerPath(
        slug=reader.text(data, "slug", ""),
        title=reader.text(data, "title", ""),
        article=reader.text(data, "article", "", required=False) or "a",
        status=reader.text(data, "status", "", required=False) or "draft",
        is_sample=reader.boolean(data, "sample", ""),
        publish_at=reader.moment(data, "publish_at", ""),
        last_reviewed=reader.date(data, "last_reviewed", ""),
        summary=reader.text(data, "summary", ""),
        intro=reader.text(data, "intro", ""),
        why_choose=reader.text(data, "why_choose", ""),
        outlook=reader.text(data, "outlook", ""),
    )
    parsed = ParsedCareer(
        filename=filename,
        career=career,
        category=reader.name(data, "category", "", Category),
    )

    good = reader.mapping(
        data, "good_career", "", allowed=["intro", "scores", "summary"]
    )
    career.good_career_intro = reader.text(good, "intro", "good_career", required=False)
    career.good_career_summary = reader.text(good, "summary", "good_career")
    seen = {}
    for where, item in reader.items(
        good, "scores", "good_career", allowed=["factor", "score", "reason"]
    ):
        factor = reader.name(item, "factor", where, Factor)
        if factor and factor in seen:
            reader.problem(
                f"{where}.factor",
                f"{quote(factor)} is already scored at {seen[factor]}",
            )
        seen[factor] = where
        score = FactorScore(
            score=reader.integer(item, "score", where),
            reason=reader.text(item, "reason", where),
        )
        reader.full_clean(score, where, exclude=["career", "factor"])
        parsed.scores.append((factor, score))

    steps = reader.mapping(data, "steps", "", allowed=["intro", "items", "outro"])
    career.steps_intro = reader.text(steps, "intro", "steps", required=False)
    career.steps_outro = reader.text(steps, "outro", "steps", required=False)
    for position, (where, item) in enumerate(
        reader.items(steps, "items", "steps", allowed=["title", "text"]), start=1
    ):
        step = Step(
            position=position,
            title=reader.text(item, "title", where),
            text=reader.text(item, "text", where),
        )
        reader.full_clean(step, where, exclude=["career"])
        parsed.steps.append(step)

    progression = reader.mapping(
        data, "progression", "", allowed=["intro", "source", "stages", "outro"]
    )
    career.progression_intro = reader.text(
        progression, "intro", "progression", required=False
    )
    career.progression_outro = reader.text(
        progression, "outro", "progression", required=False
    )
    default_source = read_source(reader, progression, "progression")
    stage_keys = [
        "title",
        "salary_min",
        "salary_max",
        "currency",
        "source",
        "description",
    ]
    for position, (where, item) in enumerate(
        reader.items(progression, "stages", "progression", allowed=stage_keys), start=1
    ):
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

    skills = reader.mapping(data, "skills", "", allowed=["intro", "items"])
    career.skills_intro = reader.text(skills, "intro", "skills", required=False)
    seen = {}
    for position, (where, item) in enumerate(
        reader.items(
            skills, "items", "skills", allowed=["skill", "title", "description"]
        ),
        start=1,
    ):
        name = reader.name(item, "skill", where, Skill)
        if name and name in seen:
            reader.problem(
                f"{where}.skill", f"{quote(name)} is already listed at {seen[name]}"
            )
        seen[name] = where
        entry = CareerSkill(
            position=position,
            title=reader.text(item, "title", where, required=False),
            description=reader.text(item, "description", where),
        )
        reader.full_clean(entry, where, exclude=["career", "skill"])
        parsed.skills.append((name, entry))

    education = reader.mapping(
        data, "education", "", allowed=["intro", "items", "outro"]
    )
    career.education_intro = reader.text(
        education, "intro", "education", required=False
    )
    career.education_outro = reader.text(
        education, "outro", "education", required=False
    )
    for position, (where, item) in enumerate(
        reader.items(
            education, "items", "education", allowed=["kind", "title", "text"]
        ),
        start=1,
    ):
        requirement = EducationRequirement(
            position=position,
            kind=reader.text(item, "kind", where),
            title=reader.text(item, "title", where),
            text=reader.text(item, "text", where),
        )
        reader.full_clean(requirement, where, exclude=["career"])
        parsed.education.append(requirement)

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


def valid_slug(slug):
    # Only a valid slug is looked up: PostgreSQL refuses a query with NUL.
    try:
        CareerPath._meta.get_field("slug").run_validators(slug)
    except ValidationError:
        return False
    return True


def read_source(reader, data, path):
    source = reader.mapping(data, "source", path, allowed=SOURCE_KEYS, required=False)
    if not source:
        return None
    where = f"{path}.source"
    values = {
        "name": reader.text(source, "name", where),
        "url": reader.text(source, "url", where, required=False),
        "retrieved_on": reader.date(source, "retrieved_on", where),
    }
    reader.full_clean(SalarySource(**values), where, exclude=[])
    return values


def import_files(paths, *, dry_run=False, record=False, progress=no_progress):
    """Validate every file, then write them all in one transaction.

    Returns the ParsedCareer of each file. Raises ContentError listing every
    problem in every file, in which case nothing has been written. `record`
    adds each career to its history, in revisions of REVISION_SIZE careers:
    one revision of many careers costs reversion time in the square of their
    rows, and one per career costs queries. `progress` wraps the reading and
    the writing (portal.progress.progress on a terminal).
    """
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
        with transaction.atomic(), derived.deferred():
            shared = SharedRows()
            items = iter(progress(parsed, desc="Writing"))
            while batch := list(itertools.islice(items, REVISION_SIZE)):
                # Manually: record() adds the careers once their children exist.
                # Not atomic: the import's transaction already is.
                revision = reversion.create_revision(manage_manually=True, atomic=False)
                with revision if record else nullcontext():
                    for item in batch:
                        write(item, shared)
                    if record:
                        names = ", ".join(item.filename for item in batch)
                        reversion.set_comment(f"Imported from {names}")
                        record_careers([item.career for item in batch])
    except DatabaseError as error:
        raise ContentError([f"the database refused the import: {error}"]) from error
    return parsed


class OtherFiles:
    """What must differ between the files of one import: their slugs, and the
    titles of their real guides in any case (as the database's constraint)."""

    def __init__(self):
        self.slugs, self.titles = {}, {}

    def problems(self, item):
        career, filename = item.career, item.filename
        problems = []
        if career.slug in self.slugs:
            problems.append(
                f"{filename}: slug: {quote(career.slug)} is also the slug in "
                f"{self.slugs[career.slug]}"
            )
        self.slugs.setdefault(career.slug, filename)
        if not career.is_sample:
            title = title_key(career.title)
            if title in self.titles:
                problems.append(
                    f"{filename}: title: {quote(career.title)} is also the title in "
                    f"{self.titles[title]}"
                )
            self.titles.setdefault(title, filename)
        return problems


def title_key(title):
    # As the database's lower(), on the titles people write.
    return title.lower()


def unique_slug(model, name):
    base = slugify(name)[:90] or "item"
    slug, suffix = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def get_or_create_named(model, name):
    return model.objects.filter(name=name).first() or create_named(model, name)


def create_named(model, name, **fields):
    return model.objects.create(name=name, slug=unique_slug(model, name), **fields)


def get_factor(name):
    """The factor called `name`; a new one goes after all the others."""
    return Factor.objects.filter(name=name).first() or create_named(
        Factor,
        name,
        position=(Factor.objects.aggregate(last=Max("position"))["last"] or 0) + 1,
    )


# Careers per revision when an import records them (import_files).
REVISION_SIZE = 25


class SharedRows:
    """The categories, factors, skills and salary sources that careers share,
    found or created once per import rather than once per career."""

    def __init__(self):
        self.rows = {}

    def category(self, name):
        return self.get((Category, name), lambda: get_or_create_named(Category, name))

    def factor(self, name):
        return self.get((Factor, name), lambda: get_factor(name))

    def skill(self, name):
        return self.get((Skill, name), lambda: get_or_create_named(Skill, name))

    def source(self, fields):
        # filter().first(): the admin allows two identical sources; either will do.
        return self.get(
            (SalarySource, tuple(sorted(fields.items()))),
            lambda: (
                SalarySource.objects.filter(**fields).first()
                or SalarySource.objects.create(**fields)
            ),
        )

    def get(self, key, find):
        if key not in self.rows:
            self.rows[key] = find()
        return self.rows[key]


@derived.deferred()
def write(parsed, shared=None):
    """Create or replace one career path and all its children. Pass the same
    SharedRows to each write() of one transaction to save queries."""
    shared = shared or SharedRows()
    career = parsed.career
    career.category = shared.category(parsed.category)
    replacing = career.pk is not None
    career.save()
    for related in ("scores", "steps", "stages", "skills", "education"):
        if replacing:
            getattr(career, related).all().delete()

    for name, score in parsed.scores:
        score.career, score.factor = career, shared.factor(name)
    FactorScore.objects.bulk_create(score for _, score in parsed.scores)

    for step in parsed.steps:
        step.career = career
    Step.objects.bulk_create(parsed.steps)

    for source, stage in parsed.stages:
        stage.career = career
        stage.source = source and shared.source(source)
    Stage.objects.bulk_create(stage for _, stage in parsed.stages)

    for name, entry in parsed.skills:
        entry.career, entry.skill = career, shared.skill(name)
    CareerSkill.objects.bulk_create(entry for _, entry in parsed.skills)

    for requirement in parsed.education:
        requirement.career = career
    EducationRequirement.objects.bulk_create(parsed.education)


def record_careers(careers):
    """Add written careers, with their children, to the active revision.

    The children were bulk-created, unseen by reversion. They are prefetched
    for all the careers at once, as reversion would read each row and its name
    (a score's is its factor's) one query at a time.
    """
    prefetch_related_objects(
        careers, "scores__factor", "steps", "stages", "skills", "education"
    )
    for career in careers:
        reversion.add_to_revision(career)


# Export


class ContentDumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks, so files read like documents."""


def represent_text(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


ContentDumper.add_representer(str, represent_text)


def compact(mapping):
    """Drop empty optional values so files stay short and stable. Every list
    is required, so an empty one stays: the file must import again."""
    return {key: value for key, value in mapping.items() if value not in ("", None)}


def source_to_dict(source):
    if source is None:
        return None
    return compact(
        {"name": source.name, "url": source.url, "retrieved_on": source.retrieved_on}
    )


def career_to_dict(career):
    """The content-file form of a career loaded with for_detail()."""
    stages = list(career.stages.all())
    sources = {stage.source_id for stage in stages}
    shared_source = stages[0].source if len(sources) == 1 and stages else None

    def stage_to_dict(stage):
        entry = {"title": stage.title}
        if stage.has_salary:
            entry |= {
                "salary_min": stage.salary_min,
                "salary_max": stage.salary_max,
                "currency": stage.currency,
            }
        if shared_source is None and stage.source is not None:
            entry["source"] = source_to_dict(stage.source)
        entry["description"] = stage.description
        return entry

    return compact(
        {
            "slug": career.slug,
            "title": career.title,
            "article": career.article,
            "category": career.category.name,
            "status": career.status,
            "publish_at": career.publish_at
            and career.publish_at.astimezone(datetime.UTC),
            "last_reviewed": career.last_reviewed,
            "sample": career.is_sample or None,
            "summary": career.summary,
            "intro": career.intro,
            "why_choose": career.why_choose,
            "good_career": compact(
                {
                    "intro": career.good_career_intro,
                    "scores": [
                        {"factor": s.factor.name, "score": s.score, "reason": s.reason}
                        for s in career.scores.all()
                    ],
                    "summary": career.good_career_summary,
                }
            ),
            "steps": compact(
                {
                    "intro": career.steps_intro,
                    "items": [
                        {"title": s.title, "text": s.text} for s in career.steps.all()
                    ],
                    "outro": career.steps_outro,
                }
            ),
            "progression": compact(
                {
                    "intro": career.progression_intro,
                    "source": source_to_dict(shared_source),
                    "stages": [stage_to_dict(stage) for stage in stages],
                    "outro": career.progression_outro,
                }
            ),
            "skills": compact(
                {
                    "intro": career.skills_intro,
                    "items": [
                        compact(
                            {
                                "skill": entry.skill.name,
                                "title": entry.title,
                                "description": entry.description,
                            }
                        )
                        for entry in career.skills.all()
                    ],
                }
            ),
            "education": compact(
                {
                    "intro": career.education_intro,
                    "items": [
                        {"kind": item.kind, "title": item.title, "text": item.text}
                        for item in career.education.all()
                    ],
                    "outro": career.education_outro,
                }
            ),
            "outlook": career.outlook,
        }
    )


def dump_career(career):
    body = yaml.dump(
        career_to_dict(career),
        Dumper=ContentDumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
    )
    return HEADER + body


class ExportConflict(Exception):
    """Files that an export would overwrite with different content."""

    def __init__(self, paths):
        self.paths = paths
        super().__init__(", ".join(map(str, paths)))


def export_careers(directory, slugs=None, *, force=False, progress=no_progress):
    """Write one `<slug>.yaml` per career into `directory`; return the paths.

    Raises ExportConflict, writing nothing, if a file there already holds
    something else, unless `force`; a file that holds the same is left as is.
    """
    directory = Path(directory)
    careers = CareerPath.objects.for_detail().order_by("slug")
    if slugs:
        careers = careers.filter(slug__in=slugs)
    careers = [(career, directory / f"{career.slug}.yaml") for career in careers]
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


def holds(path, text):
    """Whether the file at `path` holds exactly `text`."""
    try:
        return path.read_bytes() == text.encode()
    except OSError:  # a directory, a dangling link: not the same
        return False
