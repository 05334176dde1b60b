import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape

from careers.article.markup import MARKDOWN_HELP
from careers.contentfiles import dump_career
from careers.models import (
    CareerPath,
    CareerSkill,
    EducationRequirement,
    FactorScore,
    Stage,
    Step,
)
from tests import factories

CHANGELIST_URL = "/admin/careers/careerpath/"
ADD_URL = "/admin/careers/careerpath/add/"
INLINE_PREFIXES = ["scores", "steps", "stages", "skills", "education"]
CHILD_MODELS = [FactorScore, Step, Stage, CareerSkill, EducationRequirement]
ROW_TITLE_RE = re.compile(r'<th class="field-title"><a href="[^"]*">([^<]*)</a></th>')


def change_url(career):
    return f"/admin/careers/careerpath/{career.pk}/change/"


def row_titles(response):
    return ROW_TITLE_RE.findall(response.content.decode())


class ChangeFormParser(HTMLParser):
    """Collects what a browser would submit from an admin change form (by
    default the career path's)."""

    def __init__(self, form_id="careerpath_form"):
        super().__init__()
        self.form_id = form_id
        self.data = {}
        self.in_form = False
        self.textarea = None
        self.select = None
        self.select_first = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name", "")
        if "__prefix__" in name:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self.select, self.select_first = name, None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.data[self.select] = value

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea":
            # Browsers drop the newline that opens a textarea's content.
            if self.textarea:
                self.data[self.textarea] = self.data[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select:
            self.data.setdefault(self.select, self.select_first or "")
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def form_data(response, form_id="careerpath_form"):
    """The change form's fields as a browser would post them, saving the page."""
    assert response.status_code == 200
    parser = ChangeFormParser(form_id)
    parser.feed(response.content.decode())
    return {**parser.data, "_save": "Save"}


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def inline_rows(prefix, rows):
    """Management form and fields for new inline rows."""
    data = management(prefix, len(rows))
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{index}-{field}"] = str(value)
    return data


def career_fields(category, **fields):
    return {
        "title": "Data Engineer",
        "article": "a",
        "slug": "data-engineer",
        "category": str(category.pk),
        "status": CareerPath.Status.PUBLISHED,
        "summary": "Data Engineers build the pipelines data flows through.",
        "intro": "A Data Engineer builds pipelines.\n\nThey keep data flowing.",
        "why_choose": "Every company needs data.",
        "good_career_intro": "Let's look at the factors:",
        "good_career_summary": "In summary, a solid career.",
        "steps_intro": "",
        "steps_outro": "",
        "progression_intro": "",
        "progression_outro": "",
        "skills_intro": "",
        "education_intro": "",
        "education_outro": "",
        "outlook": "Demand keeps growing.",
        "_save": "Save",
        **fields,
    }


def child_count():
    return {model.__name__: model.objects.count() for model in CHILD_MODELS}


def step_order(career):
    return list(career.steps.order_by("position").values_list("title", "position"))


def errors_of(response, prefix):
    """The field errors of each form of one inline, and its formset errors."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            formset = inline.formset
            return formset.errors, list(formset.non_form_errors())
    raise AssertionError(f"no inline with prefix {prefix}")


# Changelist.


def test_changelist_lists_careers_with_their_overall_score(admin_client, mlops):
    """The changelist shows each career with its status, category and score."""
    response = admin_client.get(CHANGELIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert row_titles(response) == ["MLOps Engineer"]
    assert '<td class="field-status">Published</td>' in html
    assert '<td class="field-category nowrap">Data &amp; AI</td>' in html
    assert '<td class="field-score">8.1</td>' in html


def test_changelist_shows_no_score_for_an_unscored_career(admin_client, db):
    """A career without scores has an empty score cell, not an error."""
    factories.career(title="Unscored")

    response = admin_client.get(CHANGELIST_URL)

    assert row_titles(response) == ["Unscored"]
    assert '<td class="field-score">-</td>' in response.content.decode()


def test_changelist_score_matches_the_site(admin_client, client, db):
    """The admin shows the overall score rounded as visitors see it."""
    career = factories.career(title="Rounded")
    for value in (8, 8, 8, 9):
        factories.score(career, score=value)

    site = client.get("/careers/").content.decode()
    admin = admin_client.get(CHANGELIST_URL).content.decode()

    assert "<dt>Overall score</dt><dd>8.3/10</dd>" in site
    assert '<td class="field-score">8.3</td>' in admin


def test_changelist_filters_by_status_and_category(admin_client, mlops):
    """The status and category filters narrow the changelist."""
    other = factories.category(name="Design")
    factories.career(title="UX Designer", category=other)
    factories.career(
        title="Draft Designer", category=other, status=CareerPath.Status.DRAFT
    )

    everything = admin_client.get(CHANGELIST_URL)
    drafts = admin_client.get(CHANGELIST_URL, {"status__exact": "draft"})
    published = admin_client.get(CHANGELIST_URL, {"status__exact": "published"})
    design = admin_client.get(CHANGELIST_URL, {"category__id__exact": other.pk})
    data = admin_client.get(CHANGELIST_URL, {"category__id__exact": mlops.category_id})

    assert row_titles(everything) == ["Draft Designer", "MLOps Engineer", "UX Designer"]
    assert row_titles(drafts) == ["Draft Designer"]
    assert row_titles(published) == ["MLOps Engineer", "UX Designer"]
    assert row_titles(design) == ["Draft Designer", "UX Designer"]
    assert row_titles(data) == ["MLOps Engineer"]
    html = everything.content.decode()
    assert '<a href="?status__exact=draft">Draft</a>' in html
    assert f'<a href="?category__id__exact={other.pk}">Design</a>' in html


def test_changelist_search_by_title(admin_client, mlops):
    """Searching the changelist finds careers by title."""
    factories.career(title="UX Designer")

    mlops_hits = admin_client.get(CHANGELIST_URL, {"q": "mlops"})
    designer_hits = admin_client.get(CHANGELIST_URL, {"q": "Designer"})
    no_hits = admin_client.get(CHANGELIST_URL, {"q": "astronaut"})

    assert row_titles(mlops_hits) == ["MLOps Engineer"]
    assert row_titles(designer_hits) == ["UX Designer"]
    assert row_titles(no_hits) == []
    assert no_hits.status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_changelist_query_count_is_constant(
    admin_client, db, django_assert_num_queries, count
):
    """The changelist takes 10 queries, however many careers it lists."""
    for _ in range(count):
        factories.full_career(size=2)

    # Session, user, the category filter, the filtered and total counts, the
    # page of careers with categories and scores, two for the date hierarchy,
    # and the savepoint django-reversion's admin opens around the page.
    with django_assert_num_queries(10):
        response = admin_client.get(CHANGELIST_URL)

    assert len(row_titles(response)) == count


# Change page.


def test_change_page_loads_with_every_inline(admin_client, mlops):
    """The change page edits the whole career, with one inline per kind of child."""
    response = admin_client.get(change_url(mlops))

    assert response.status_code == 200
    prefixes = [
        inline.formset.prefix for inline in response.context["inline_admin_formsets"]
    ]
    assert prefixes == INLINE_PREFIXES
    data = form_data(response)
    assert [data[f"{prefix}-TOTAL_FORMS"] for prefix in INLINE_PREFIXES] == [
        "8",
        "8",
        "5",
        "4",
        "4",
    ]
    assert data["title"] == "MLOps Engineer"
    assert data["steps-0-position"] == "1"
    assert data["steps-0-title"] == "Earn a Bachelor's Degree"
    assert data["scores-7-score"] == "7"


def test_change_page_has_a_view_on_site_link(admin_client, mlops):
    """The change page links to the career's public page."""
    content_type = ContentType.objects.get_for_model(CareerPath)
    shortcut = f"/admin/r/{content_type.pk}/{mlops.pk}/"

    response = admin_client.get(change_url(mlops))
    redirect = admin_client.get(shortcut)

    assert (
        f'<a href="{shortcut}" class="viewsitelink">View on site</a>'
        in response.content.decode()
    )
    assert redirect.status_code == 302
    assert redirect["Location"] == "http://testserver/careers/mlops-engineer/"


def test_long_texts_remind_editors_of_markdown(admin_client, db):
    """Each long text's help ends with the Markdown reminder, after its own
    help if it has one; short fields keep their own help only."""
    career = factories.career()
    factories.step(career, 1)
    html = admin_client.get(change_url(career)).content.decode()

    def help_of(field):
        found = re.search(
            rf'<div class="help" id="id_{field}_helptext">\s*<div>(.*?)</div>', html
        )
        return found[1]

    markdown = str(MARKDOWN_HELP)  # the admin shows help texts unescaped
    assert help_of("intro") == (
        f"What the role is. Separate paragraphs with a blank line. {markdown}"
    )
    assert help_of("why_choose") == markdown
    assert help_of("title") == "The role, e.g. “MLOps Engineer”."
    # The steps' text column (Step.text has no help of its own), escaped there.
    column = r'<th class="column-text required">Text\s*<img [^>]*title="([^"]*)"'
    assert re.search(column, html)[1] == escape(markdown)


def test_deleting_a_career_lists_what_goes_with_it(admin_client, db):
    """The delete confirmation names each child as editors know it, linking
    a score to its own page."""
    career = factories.career(title="Data Engineer")
    score = factories.score(career, factor=factories.factor(name="Pay"), score=8)
    factories.step(career, 1, title="Study")
    factories.stage(career, 1, title="Junior")
    factories.career_skill(career, 1, skill=factories.skill(name="SQL"))
    factories.career_skill(career, 2, title="Fluent Python")
    factories.education(career, 1, title="BSc")

    html = admin_client.get(f"/admin/careers/careerpath/{career.pk}/delete/").text

    assert (
        f'<li>Career path: <a href="{change_url(career)}">Data Engineer</a>\n'
        "\t<ul>\n"
        "\t\t<li>Factor score: "
        f'<a href="/admin/careers/factorscore/{score.pk}/change/">Pay: 8/10</a></li>\n'
        "\t\t<li>Step: Study</li>\n"
        "\t\t<li>Essential skill: SQL</li>\n"
        "\t\t<li>Essential skill: Fluent Python</li>\n"
        "\t\t<li>Education requirement: BSc</li>\n"
        "\t\t<li>Career stage: Junior</li>\n"
        "\t</ul>"
    ) in html


def test_choices_tell_salary_sources_apart_by_date(admin_client, db):
    """The change form's choices name categories, factors, skills and salary
    sources; a source with a retrieval date shows it."""
    career = factories.career(category=factories.category(name="Data & AI"))
    factories.score(career, factor=factories.factor(name="Pay"))
    dated = factories.source(name="Pay Survey", retrieved_on=datetime.date(2024, 5, 1))
    factories.stage(career, 1, source=dated)
    factories.stage(career, 2, source=factories.source(name="Talent.com"))
    factories.career_skill(career, 1, skill=factories.skill(name="SQL"))

    html = admin_client.get(change_url(career)).text

    assert re.findall(r'<option value="\d+" selected>([^<]*)</option>', html) == [
        "Data &amp; AI",
        "Pay",
        "Pay Survey (2024-05-01)",
        "Talent.com",
        "SQL",
    ]


def test_add_page_has_one_formset_per_kind_of_child(admin_client, db):
    """The add page offers the score, step, stage, skill and education inlines."""
    response = admin_client.get(ADD_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'name="([a-z_]+)-TOTAL_FORMS"', html) == INLINE_PREFIXES
    # Inlines start empty: editors add rows as they need them.
    assert re.findall(r'name="[a-z_]+-TOTAL_FORMS" value="(\d+)"', html) == ["0"] * 5


# Saving a whole career path.


def test_add_career_with_every_inline(admin_client, client, db):
    """One POST of the add page saves the career and all its children in order."""
    category = factories.category(name="Data & AI")
    first, second = factories.factor(name="Pay"), factories.factor(name="Growth")
    sql, python = factories.skill(name="SQL"), factories.skill(name="Python")
    talent = factories.source()
    data = {
        **career_fields(category),
        **inline_rows(
            "scores",
            [
                {"factor": second.pk, "score": 9, "reason": "It grows."},
                {"factor": first.pk, "score": 7, "reason": "It pays."},
            ],
        ),
        **inline_rows(
            "steps",
            [
                {"position": 2, "title": "Learn SQL", "text": "Query data."},
                {"position": 1, "title": "Study", "text": "Get a degree."},
                {"position": 3, "title": "Ship", "text": "Build pipelines."},
            ],
        ),
        **inline_rows(
            "stages",
            [
                {
                    "position": 1,
                    "title": "Junior",
                    "description": "Learns.",
                    "salary_min": "",
                    "salary_max": "",
                    "currency": "USD",
                    "source": "",
                },
                {
                    "position": 2,
                    "title": "Senior",
                    "description": "Leads.",
                    "salary_min": 90000,
                    "salary_max": 120000,
                    "currency": "USD",
                    "source": talent.pk,
                },
            ],
        ),
        **inline_rows(
            "skills",
            [
                {"position": 1, "skill": sql.pk, "title": "", "description": "Data."},
                {
                    "position": 2,
                    "skill": python.pk,
                    "title": "Fluent Python",
                    "description": "Code.",
                },
            ],
        ),
        **inline_rows(
            "education",
            [
                {"position": 1, "kind": "degree", "title": "BSc", "text": "Study."},
                {
                    "position": 2,
                    "kind": "certification",
                    "title": "Cert",
                    "text": "Pass.",
                },
            ],
        ),
    }

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST_URL
    career = CareerPath.objects.get(slug="data-engineer")
    assert career.title == "Data Engineer"
    assert career.category == category
    assert (
        career.intro == "A Data Engineer builds pipelines.\n\nThey keep data flowing."
    )
    assert list(
        career.scores.order_by("factor__position").values_list(
            "factor__name", "score", "reason"
        )
    ) == [("Pay", 7, "It pays."), ("Growth", 9, "It grows.")]
    assert step_order(career) == [("Study", 1), ("Learn SQL", 2), ("Ship", 3)]
    assert list(
        career.stages.order_by("position").values_list(
            "title", "position", "salary_min", "salary_max", "currency", "source"
        )
    ) == [
        ("Junior", 1, None, None, "USD", None),
        ("Senior", 2, 90000, 120000, "USD", talent.pk),
    ]
    assert list(
        career.skills.order_by("position").values_list("skill", "title", "position")
    ) == [(sql.pk, "", 1), (python.pk, "Fluent Python", 2)]
    assert list(
        career.education.order_by("position").values_list("kind", "title", "position")
    ) == [("degree", "BSc", 1), ("certification", "Cert", 2)]
    page = client.get(career.get_absolute_url()).content.decode()
    assert "<h1>Data Engineer Career Path</h1>" in page
    assert "8.0/10" in page


def test_saving_the_change_form_unchanged_keeps_every_fact(admin_client, mlops):
    """Posting the MLOps change form back as it is changes nothing."""
    before = dump_career(CareerPath.objects.for_detail().get(pk=mlops.pk))
    data = form_data(admin_client.get(change_url(mlops)))

    response = admin_client.post(change_url(mlops), data)

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST_URL
    after = dump_career(CareerPath.objects.for_detail().get(pk=mlops.pk))
    assert after == before
    assert child_count() == {
        "FactorScore": 8,
        "Step": 8,
        "Stage": 5,
        "CareerSkill": 4,
        "EducationRequirement": 4,
    }


def test_change_form_edits_and_adds_children(admin_client, mlops):
    """Editing a step and adding one through the change form saves both."""
    data = form_data(admin_client.get(change_url(mlops)))
    data["steps-0-text"] = "Study computer science."
    data["steps-TOTAL_FORMS"] = "9"
    data |= {
        "steps-8-id": "",
        "steps-8-career": str(mlops.pk),
        "steps-8-position": "9",
        "steps-8-title": "Apply",
        "steps-8-text": "Send applications.",
    }

    response = admin_client.post(change_url(mlops), data)

    assert response.status_code == 302
    steps = list(mlops.steps.order_by("position").values_list("position", "title"))
    assert len(steps) == 9
    assert steps[0] == (1, "Earn a Bachelor's Degree")
    assert steps[-1] == (9, "Apply")
    assert mlops.steps.get(position=1).text == "Study computer science."


# Validation.


def test_invalid_children_are_reported_on_their_fields_and_nothing_is_saved(
    admin_client, db
):
    """A bad score and an inverted salary range are reported; nothing is saved."""
    category = factories.category()
    pay = factories.factor(name="Pay")
    data = {
        **career_fields(category),
        **inline_rows("scores", [{"factor": pay.pk, "score": 11, "reason": "Huge."}]),
        **inline_rows("steps", [{"position": 1, "title": "Study", "text": "Learn."}]),
        **inline_rows(
            "stages",
            [
                {
                    "position": 1,
                    "title": "Senior",
                    "description": "Leads.",
                    "salary_min": 90000,
                    "salary_max": 50000,
                    "currency": "USD",
                    "source": "",
                }
            ],
        ),
        **inline_rows("skills", []),
        **inline_rows("education", []),
    }

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert errors_of(response, "scores") == (
        [{"score": ["11 is not between 1 and 10"]}],
        [],
    )
    assert errors_of(response, "stages") == (
        [{"salary_min": ["The minimum (90000) is above the maximum (50000)."]}],
        [],
    )
    assert errors_of(response, "steps") == ([{}], [])
    html = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_scores-0-score_error">'
        "<li>11 is not between 1 and 10</li></ul>"
    ) in html
    assert (
        '<ul class="errorlist" id="id_stages-0-salary_min_error">'
        "<li>The minimum (90000) is above the maximum (50000).</li></ul>"
    ) in html
    assert CareerPath.objects.count() == 0
    assert child_count() == dict.fromkeys(child_count(), 0)


def test_a_median_without_a_range_is_reported_on_the_median(admin_client, db):
    """A stage with only a minimum is open-ended ("from"), but a median needs
    both figures: the error is on the median, beside the currency's."""
    data = {
        **career_fields(factories.category()),
        **inline_rows("scores", []),
        **inline_rows("steps", []),
        **inline_rows(
            "stages",
            [
                {
                    "position": 1,
                    "title": "Senior",
                    "description": "Leads.",
                    "salary_min": 90000,
                    "salary_max": "",
                    "salary_median": 95000,
                    "currency": "usd",
                    "source": "",
                }
            ],
        ),
        **inline_rows("skills", []),
        **inline_rows("education", []),
    }

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert errors_of(response, "stages") == (
        [
            {
                "currency": [
                    "Enter a three-letter ISO 4217 currency code in capitals, "
                    "such as USD."
                ],
                "salary_median": [
                    "A median needs both figures and must lie between them."
                ],
            }
        ],
        [],
    )
    assert CareerPath.objects.count() == 0


# Reordering.


def test_swapping_two_step_positions_saves(admin_client, db):
    """Swapping the positions of two steps saves and swaps their order."""
    career = factories.career()
    factories.step(career, 1, title="First")
    factories.step(career, 2, title="Second")
    data = form_data(admin_client.get(change_url(career)))
    assert (data["steps-0-title"], data["steps-1-title"]) == ("First", "Second")
    data["steps-0-position"], data["steps-1-position"] = "2", "1"

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 302
    assert step_order(career) == [("Second", 1), ("First", 2)]


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        # Rotate three steps: 1 -> 3, 2 -> 1, 3 -> 2.
        (
            {"steps-0-position": "3", "steps-1-position": "1", "steps-2-position": "2"},
            [("B", 1), ("C", 2), ("A", 3)],
        ),
        # Delete the first step and move the last into its place.
        (
            {"steps-0-DELETE": "on", "steps-2-position": "1"},
            [("C", 1), ("B", 2)],
        ),
        # Insert a new first step, moving the others down.
        (
            {
                "steps-0-position": "2",
                "steps-1-position": "3",
                "steps-2-position": "4",
                "steps-TOTAL_FORMS": "4",
                "steps-3-position": "1",
                "steps-3-title": "New",
                "steps-3-text": "Start here.",
            },
            [("New", 1), ("A", 2), ("B", 3), ("C", 4)],
        ),
    ],
    ids=["rotate", "delete-and-move", "insert-first"],
)
def test_reordering_steps_saves(admin_client, db, edits, expected):
    """Rotating, replacing and inserting steps saves without a position clash."""
    career = factories.career()
    for position, title in enumerate("ABC", start=1):
        factories.step(career, position, title=title)
    data = form_data(admin_client.get(change_url(career))) | edits

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 302
    assert step_order(career) == expected


def test_swapping_two_stage_positions_keeps_their_salaries(admin_client, db):
    """Stages reorder like steps, each keeping its own salary figures."""
    career = factories.career()
    factories.stage(career, 1, title="Lead", salary_min=9, salary_max=10)
    factories.stage(career, 2, title="Junior")
    data = form_data(admin_client.get(change_url(career)))
    data["stages-0-position"], data["stages-1-position"] = "2", "1"

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 302
    assert list(
        career.stages.order_by("position").values_list(
            "title", "position", "salary_min", "salary_max"
        )
    ) == [("Junior", 1, None, None), ("Lead", 2, 9, 10)]


def test_new_rows_without_a_position_go_at_the_end(admin_client, db):
    """An empty position on a new row appends it after the others, in form order,
    and positions are then numbered without gaps."""
    career = factories.career()
    factories.step(career, 1, title="A")
    factories.step(career, 5, title="B")
    data = form_data(admin_client.get(change_url(career)))
    data |= {
        "steps-TOTAL_FORMS": "4",
        "steps-2-position": "",
        "steps-2-title": "C",
        "steps-2-text": "Third.",
        "steps-3-position": "",
        "steps-3-title": "D",
        "steps-3-text": "Fourth.",
    }

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 302
    assert step_order(career) == [("A", 1), ("B", 2), ("C", 3), ("D", 4)]


def test_a_row_whose_position_is_emptied_moves_to_the_end(admin_client, db):
    """An existing row posted without a position goes after the others rather
    than failing to save."""
    career = factories.career()
    for position, title in enumerate("ABC", start=1):
        factories.step(career, position, title=title)
    data = form_data(admin_client.get(change_url(career)))
    data["steps-0-position"] = ""

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 302
    assert step_order(career) == [("B", 1), ("C", 2), ("A", 3)]


def test_duplicate_positions_are_a_form_error(admin_client, db):
    """Two steps given the same position get a form error, not a server error."""
    career = factories.career()
    factories.step(career, 1, title="First")
    factories.step(career, 2, title="Second")
    data = form_data(admin_client.get(change_url(career)))
    data["steps-1-position"] = "1"

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 200
    form_errors, formset_errors = errors_of(response, "steps")
    assert formset_errors == ["Please correct the duplicate data for position."]
    assert form_errors[1] == {"__all__": ["Please correct the duplicate values below."]}
    assert "Please correct the duplicate data for position." in (
        response.content.decode()
    )
    assert step_order(career) == [("First", 1), ("Second", 2)]


def test_swapping_the_factors_of_two_scores_saves(admin_client, db):
    """Swapping which factor two scores rate saves, rather than erroring."""
    career = factories.career()
    pay, growth = factories.factor(name="Pay"), factories.factor(name="Growth")
    factories.score(career, factor=pay, score=9, reason="About growth.")
    factories.score(career, factor=growth, score=7, reason="About pay.")
    data = form_data(admin_client.get(change_url(career)))
    data["scores-0-factor"], data["scores-1-factor"] = str(growth.pk), str(pay.pk)

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 302
    assert list(
        career.scores.order_by("factor__position").values_list("factor__name", "score")
    ) == [("Pay", 7), ("Growth", 9)]


def test_swapping_the_skills_of_two_rows_saves(admin_client, db):
    """Swapping which skill two skill rows name saves, rather than erroring."""
    career = factories.career()
    sql, python = factories.skill(name="SQL"), factories.skill(name="Python")
    factories.career_skill(career, 1, skill=sql, description="First.")
    factories.career_skill(career, 2, skill=python, description="Second.")
    data = form_data(admin_client.get(change_url(career)))
    data["skills-0-skill"], data["skills-1-skill"] = str(python.pk), str(sql.pk)

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 302
    assert list(
        career.skills.order_by("position").values_list("skill__name", "position")
    ) == [("Python", 1), ("SQL", 2)]


# Hostile content.


def test_control_characters_in_the_change_form_are_refused(admin_client, mlops):
    """The change form refuses control characters on the field and the inline
    row that hold them, naming the character; nothing is saved."""
    before = dump_career(CareerPath.objects.for_detail().get(pk=mlops.pk))
    data = form_data(admin_client.get(change_url(mlops)))
    data["summary"] = "abc\x0bdef"
    data["steps-0-text"] = "Study\x1b hard."

    response = admin_client.post(change_url(mlops), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {
        "summary": ["contains a control character (U+000B) at position 4"]
    }
    steps, _ = errors_of(response, "steps")
    assert steps[0] == {"text": ["contains a control character (U+001B) at position 6"]}
    assert dump_career(CareerPath.objects.for_detail().get(pk=mlops.pk)) == before


def test_a_category_name_with_a_control_character_is_refused(admin_client, db):
    """Shared rows' admin forms refuse them too."""
    response = admin_client.post(
        "/admin/careers/category/add/", {"name": "Data\x7f", "slug": "data"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["contains a control character (U+007F) at position 5"]
    }


def test_a_real_guides_title_is_refused_naming_the_guide(admin_client, mlops):
    """Adding a second "MLOps Engineer", in any case, is refused on the title
    field, with the guide that has it; a sample may share it."""
    data = {
        **career_fields(factories.category(), title="mlops ENGINEER"),
        **{
            key: value
            for p in INLINE_PREFIXES
            for key, value in management(p, 0).items()
        },
    }

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "title": [
            "The guide “MLOps Engineer” (slug mlops-engineer) already has this "
            "title; each real guide needs its own."
        ]
    }
    assert CareerPath.objects.count() == 1
    response = admin_client.post(ADD_URL, data | {"is_sample": "on"})
    assert response.status_code == 302
    assert CareerPath.objects.filter(is_sample=True).get().title == "mlops ENGINEER"
