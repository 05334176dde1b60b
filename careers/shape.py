"""
The shape of a career path, written once.

A guide has its own fields (title, summary, category…), its prose texts, and
five sections that each hold a list of children (scores, steps, stages,
skills, education). The model, the content files and their export, the API
and its OpenAPI document, the admin and search read the texts, the sections
and the limits from here. A new text is a line in TEXTS, its migration, and
the place in the template where the page shows it (CONTRIBUTING.md).

A leaf module: it imports nothing from the project, so anything may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Labels and help texts are lazy translations, str once rendered.
    from django_stubs_ext import StrOrPromise

# A factor score, from poor to excellent; pages show it out of SCORE_MAX.
SCORE_MIN = 1
SCORE_MAX = 10

# Careers per page, in the directory and the API's list.
PAGE_SIZE = 24
# A search is a few words: the form, the API and search refuse or cut more.
QUERY_MAX_LENGTH = 100


@dataclass(frozen=True)
class Text:
    """A prose text of the career: Markdown, stored on the career row."""

    field: str
    label: StrOrPromise
    # The section whose mapping holds it in a content file, and its key
    # there; a text outside any section is at the top, under its field name.
    section: str = ""
    key: str = ""
    required: bool = False
    help_text: StrOrPromise = ""

    @property
    def file_key(self) -> str:
        return self.field

    @property
    def path(self) -> str:
        """Where the text is in a content file: `steps.intro`, or `outlook`."""
        return f"{self.section}.{self.key}" if self.section else self.field


@dataclass(frozen=True)
class Section:
    """A section of the guide with a list of the career's children."""

    name: str  # its key in a content file
    children: str  # the career's related name for its list
    items: str  # the list's key in the section
    keys: tuple[str, ...]  # every key of the section in a content file, in order

    @property
    def file_key(self) -> str:
        return self.name


# In the guide's order: the page, the files and the API follow it.
TEXTS = (
    Text(
        "intro",
        _("introduction"),
        required=True,
        help_text=_("What the role is. Separate paragraphs with a blank line."),
    ),
    Text("why_choose", _("why choose this career"), required=True),
    Text(
        "good_career_intro",
        _("“is it a good career?” introduction"),
        "good_career",
        "intro",
        help_text=_("Shown above the factor scores."),
    ),
    Text(
        "good_career_summary",
        _("“is it a good career?” summary"),
        "good_career",
        "summary",
        required=True,
        help_text=_("The “In summary…” paragraph below the factor scores."),
    ),
    Text("steps_intro", _("steps introduction"), "steps", "intro"),
    Text("steps_outro", _("steps closing note"), "steps", "outro"),
    Text("progression_intro", _("progression introduction"), "progression", "intro"),
    Text("progression_outro", _("progression closing note"), "progression", "outro"),
    Text("skills_intro", _("skills introduction"), "skills", "intro"),
    Text("education_intro", _("education introduction"), "education", "intro"),
    Text("education_outro", _("education closing note"), "education", "outro"),
    Text("outlook", _("future outlook"), required=True),
)

SECTIONS = (
    Section("good_career", "scores", "scores", ("intro", "scores", "summary")),
    Section("steps", "steps", "items", ("intro", "items", "outro")),
    Section("progression", "stages", "stages", ("intro", "source", "stages", "outro")),
    Section("skills", "skills", "items", ("intro", "items")),
    Section("education", "education", "items", ("intro", "items", "outro")),
)

# The career's lists of children, each in the guide's order (by position).
CHILDREN = tuple(section.children for section in SECTIONS)

# The career's own fields in a content file, before its texts and sections.
HEAD = (
    "slug",
    "title",
    "article",
    "category",
    "status",
    "publish_at",
    "updated",
    "last_reviewed",
    "sample",
    "summary",
    "facts",
)

# The optional quick facts of a career, as the Occupational Outlook Handbook
# gives them: the keys of `facts` in a content file, in order, each with the
# keys it holds (none for a value) and the career's field for each.
FACTS: dict[str, dict[str, str]] = {
    "alternative_titles": {"": "alternative_titles"},
    "codes": {"soc_2018": "soc_code", "isco_08": "isco_code"},
    "work_experience": {"": "work_experience"},
    "on_the_job_training": {"": "on_the_job_training"},
    "employment": {
        "jobs": "employment",
        "year": "employment_year",
        "source": "employment_source",
    },
    "projection": {
        "change_percent": "projected_change",
        "from_year": "projection_start",
        "to_year": "projection_end",
        "source": "projection_source",
    },
}
# Where each of the career's fields is in a file, when not at the top under
# its own name: the texts inside sections, the facts, the `updated` date.
FILE_PATHS = {
    "updated_on": "updated",
    **{
        field: f"facts.{fact}.{key}" if key else f"facts.{fact}"
        for fact, fields in FACTS.items()
        for key, field in fields.items()
    },
}


def _section_texts(name: str) -> dict[str, Text]:
    return {text.key: text for text in TEXTS if text.section == name}


def _body() -> tuple[Text | Section, ...]:
    sections = {section.name: section for section in SECTIONS}
    items: list[Text | Section] = []
    for text in TEXTS:
        item = sections[text.section] if text.section else text
        if item not in items:
            items.append(item)
    items += [section for section in SECTIONS if section not in items]
    return tuple(items)


# Derived once from the above, for the readers and writers of every career.

FILE_PATHS |= {text.field: text.path for text in TEXTS if text.section}

# The texts that each section holds, by their key in it.
SECTION_TEXTS = {section.name: _section_texts(section.name) for section in SECTIONS}
# The top-level texts and sections after HEAD, in the guide's order.
BODY = _body()
# Every top-level key of a content file, in order.
FILE_KEYS = (*HEAD, *(item.file_key for item in BODY))
