"""The directory: search, filter, sort and page, whatever the visitor sends."""

import re

import pytest

from careers.models import CareerPath
from tests import factories

pytestmark = pytest.mark.django_db

CARD_RE = re.compile(r'<h3><a href="/careers/[^"]+/">([^<]+)</a></h3>')


def titles(response):
    assert response.status_code == 200
    return CARD_RE.findall(response.content.decode())


@pytest.fixture
def careers(db):
    """Three careers with distinct titles, scores, salaries and skills."""
    data = factories.category(name="Data & AI", slug="data-ai")
    design = factories.category(name="Design", slug="design")
    python = factories.skill(name="Python", slug="python")
    figma = factories.skill(name="Figma", slug="figma")

    analyst = factories.career(
        title="Data Analyst", summary="Turns numbers into answers.", category=data
    )
    factories.score(analyst, score=6)
    factories.stage(analyst, 1, salary_min=50000, salary_max=90000)
    factories.career_skill(analyst, 1, skill=python)

    designer = factories.career(
        title="Product Designer", summary="Shapes how products feel.", category=design
    )
    factories.score(designer, score=9)
    factories.stage(designer, 1, salary_min=70000, salary_max=120000)
    factories.career_skill(designer, 1, skill=figma)

    engineer = factories.career(
        title="ML Engineer", summary="Ships models to production.", category=data
    )
    factories.score(engineer, score=8)
    factories.stage(engineer, 1)  # no salary data
    factories.career_skill(engineer, 1, skill=python, title="Fluent Python")
    return analyst, designer, engineer


def test_default_order_is_by_title(client, careers):
    """Without parameters, every published career is listed A to Z."""
    assert titles(client.get("/careers/")) == [
        "Data Analyst",
        "ML Engineer",
        "Product Designer",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("analyst", ["Data Analyst"]),
        ("ANSWERS", ["Data Analyst"]),  # summary, any case
        ("python", ["Data Analyst", "ML Engineer"]),  # skill name
        ("fluent", ["ML Engineer"]),  # the career's own wording of a skill
        ("data python", ["Data Analyst"]),  # every word must match
        ("  designer  ", ["Product Designer"]),
        ("nothing-like-this", []),
    ],
)
def test_search_matches_title_summary_and_skills(client, careers, query, expected):
    """`q` searches titles, summaries and skills; all words must match."""
    assert titles(client.get("/careers/", {"q": query, "sort": "title"})) == expected


def test_search_never_lists_a_career_twice(client, careers):
    """A career matching through several skills still appears once."""
    analyst = careers[0]
    factories.career_skill(analyst, 2, skill=factories.skill(name="Python tools"))
    assert titles(client.get("/careers/", {"q": "python"})) == [
        "Data Analyst",
        "ML Engineer",
    ]


def test_filter_by_category(client, careers):
    """`category` takes a category slug."""
    response = client.get("/careers/", {"category": "data-ai"})
    assert titles(response) == ["Data Analyst", "ML Engineer"]
    assert "<h1>Data &amp; AI careers</h1>" in response.content.decode()


def test_sort_by_score_and_salary(client, careers):
    """`sort=score` puts the best first; `sort=salary` the best paid, unknown last."""
    assert titles(client.get("/careers/", {"sort": "score"})) == [
        "Product Designer",
        "ML Engineer",
        "Data Analyst",
    ]
    assert titles(client.get("/careers/", {"sort": "salary"})) == [
        "Product Designer",
        "Data Analyst",
        "ML Engineer",
    ]


CARD_SALARY_RE = re.compile(
    r'<h3><a href="/careers/[^"]+/">([^<]+)</a></h3>.*?'
    r"<dt>Salary across stages</dt><dd>([^<]*)</dd>",
    re.S,
)


def card_salaries(response):
    assert response.status_code == 200
    return dict(CARD_SALARY_RE.findall(response.content.decode()))


def test_cards_show_the_salary_across_stages(client, careers, mlops):
    """A card spans the lowest to the highest yearly figure, compactly; one
    figure shows once; no figure, or figures in several currencies, none."""
    single = factories.career(title="Pilot")
    factories.stage(single, 1, salary_min=45000, salary_max=45000, currency="GBP")
    mixed = factories.career(title="Translator")
    factories.stage(mixed, 1, salary_min=30000, salary_max=40000, currency="EUR")
    factories.stage(mixed, 2, salary_min=30000, salary_max=40000)
    close = factories.career(title="Notary")
    factories.stage(close, 1, salary_min=131_100, salary_max=131_400)

    assert card_salaries(client.get("/careers/")) == {
        "Data Analyst": "$50K–$90K",
        "ML Engineer": "Not available",
        "MLOps Engineer": "$131K–$238K",
        "Notary": "$131K",  # not "$131K–$131K"
        "Pilot": "£45K",
        "Product Designer": "$70K–$120K",
        "Translator": "Not available",
    }


def test_salary_sort_is_labelled_highest_salary(client, careers):
    html = client.get("/careers/").content.decode()
    assert '<option value="salary">Highest salary</option>' in html
    assert "Top salary" not in html


def test_result_count_and_empty_state(client, careers):
    """The page says how many matched, and helps when nothing did."""
    html = client.get("/careers/", {"q": "python"}).content.decode()
    assert re.search(r'role="status">\s*2 careers matching “python”\s*</p>', html)

    html = client.get("/careers/", {"q": "astronaut"}).content.decode()
    assert "<h2>No careers found</h2>" in html
    assert "see all careers</a>" in html


def test_filters_are_kept_in_the_form_and_page_links(client, db):
    """The form shows the applied filters and page links keep them."""
    category = factories.category(slug="data-ai")
    for n in range(30):
        factories.career(title=f"Data role {n:02d}", category=category)

    html = client.get(
        "/careers/", {"q": "data", "category": "data-ai", "sort": "score"}
    ).content.decode()

    assert 'name="q" value="data"' in html
    assert '<option value="data-ai" selected>' in html
    assert '<option value="score" selected>' in html
    assert 'href="?q=data&amp;category=data-ai&amp;sort=score&amp;page=2"' in html


BY_TITLE = ["Data Analyst", "ML Engineer", "Product Designer"]
# Parameters: (status, the titles listed, best first).
HOSTILE = {
    "unknown sort": ({"sort": "price; DROP TABLE careers"}, 200, BY_TITLE),
    "unknown category": ({"category": "no-such-category"}, 200, BY_TITLE),
    "category with NUL": ({"category": "data\x00ai"}, 200, BY_TITLE),
    "markup in category": ({"category": "<script>alert(1)</script>"}, 200, BY_TITLE),
    "long query": ({"q": "a" * 10_000}, 200, []),
    "NUL in query": ({"q": "ana\x00lyst"}, 200, ["Data Analyst"]),
    "page word": ({"page": "abc"}, 200, BY_TITLE),
    "negative page": ({"page": "-1"}, 200, BY_TITLE),
    "huge number": ({"page": "9" * 50, "sort": "score"}, 404, []),
    # The last value counts, as Django reads a repeated parameter.
    "repeated sort": (
        {"sort": ["score", "salary"]},
        200,
        ["Product Designer", "Data Analyst", "ML Engineer"],
    ),
    "repeated query": ({"q": ["designer", "analyst"]}, 200, ["Data Analyst"]),
}


@pytest.mark.parametrize(
    ("params", "status", "expected"), HOSTILE.values(), ids=HOSTILE.keys()
)
def test_hostile_parameters_never_break_the_page(
    client, careers, params, status, expected
):
    """Invalid input is cleaned to a default: the normal page (404 only past
    the last page), never a 500, and nothing unsafe echoed."""
    response = client.get("/careers/", params)
    assert response.status_code == status
    html = response.content.decode()
    assert CARD_RE.findall(html) == expected
    assert "<script>alert(1)</script>" not in html
    assert "\x00" not in html
    assert "a" * 101 not in html  # long input is cut, never echoed whole


def test_a_long_query_is_cut_to_100_characters(client, careers):
    """What is searched, and shown, is the first 100 characters."""
    query = "analyst" + " " * 10_000 + "designer"
    html = client.get("/careers/", {"q": query}).content.decode()
    assert CARD_RE.findall(html) == ["Data Analyst"]
    assert "1 career matching “analyst”" in html
    html = client.get("/careers/", {"q": "a" * 10_000}).content.decode()
    assert f"0 careers matching “{'a' * 100}”" in html


def test_invalid_parameters_fall_back_to_defaults(client, careers):
    """An unknown sort means by title; an unknown category means all."""
    default = titles(client.get("/careers/"))
    assert titles(client.get("/careers/", {"sort": "nonsense"})) == default
    assert titles(client.get("/careers/", {"category": "nope"})) == default
    assert titles(client.get("/careers/", {"q": "analyst\x00"})) == ["Data Analyst"]


def test_markup_in_the_query_is_escaped(client, careers):
    """What a visitor typed is shown escaped in the title, count and form."""
    html = client.get("/careers/", {"q": '<img src=x onerror="alert(1)">'}).content
    html = html.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_page_past_the_end_is_not_found(client, careers):
    """Page 2 of three careers does not exist."""
    assert client.get("/careers/", {"page": "2"}).status_code == 404


def test_drafts_never_match(client, careers):
    """Search does not reveal drafts."""
    factories.career(title="Secret Analyst", status=CareerPath.Status.DRAFT)
    assert titles(client.get("/careers/", {"q": "analyst"})) == ["Data Analyst"]


@pytest.mark.parametrize("url", ["/careers/", "/careers/?q=role&sort=salary"])
def test_query_count_does_not_grow_with_content(
    client, db, django_assert_max_num_queries, url
):
    """Ten times the careers costs no more queries."""
    for _ in range(3):
        factories.full_career(size=3)
    with django_assert_max_num_queries(3) as small:
        client.get(url)
    for _ in range(27):
        factories.full_career(size=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
