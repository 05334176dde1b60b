import datetime
import re
from pathlib import Path

import pytest
import yaml
from django.utils import timezone
from django.utils.html import escape

from careers.models import CareerPath
from tests import factories

REPO = Path(__file__).resolve().parents[2]
MLOPS_FILE = REPO / "content" / "mlops-engineer.yaml"
GUIDE_FILE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "seed"
    / "mlops-engineer-career-path.txt"
)

MLOPS_URL = "/careers/mlops-engineer/"
SECTION_IDS = [
    "overview",
    "why-choose",
    "good-career",
    "steps",
    "progression",
    "skills",
    "education",
    "outlook",
]
# Content-file keys whose values are codes, not text a visitor reads.
CODE_KEYS = {"slug", "article", "status", "kind", "currency", "url"}

FACTOR_RE = re.compile(
    r'<span class="factor-name">(.*?)</span> <span class="factor-score">(.*?)</span>'
)
STAGE_RE = re.compile(
    r'<h3>([^<]*)</h3>\s*<p class="salary( salary-missing)?">([^<]*)</p>'
)
FACT_RE = re.compile(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", re.S)
CARD_RE = re.compile(r'<article class="card">\s*<h3><a href="(.*?)">(.*?)</a></h3>')
SCRIPT = "<script>alert(1)</script>"


def get_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def as_shown(text):
    """Text as the page shows it: escaped by Django or by the Markdown renderer,
    which differ only in whether an apostrophe becomes &#x27;."""
    return escape(text).replace("&#x27;", "'")


def markdown_page(html):
    return html.replace("&#x27;", "'")


def load_content():
    return yaml.safe_load(MLOPS_FILE.read_text(encoding="utf-8"))


def visible_texts(value, key=None):
    """Every text of a content file a visitor reads, one paragraph at a time."""
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from visible_texts(child, child_key)
    elif isinstance(value, list):
        for child in value:
            yield from visible_texts(child, key)
    elif isinstance(value, str) and key not in CODE_KEYS:
        yield from value.split("\n\n")


def stage_salaries(html):
    """(stage title, salary text) pairs in page order."""
    return [(title, salary.strip()) for title, _, salary in STAGE_RE.findall(html)]


def stages_without_salary(html):
    """The titles of the stages marked as having no salary data."""
    return [title for title, missing, _ in STAGE_RE.findall(html) if missing]


def quick_facts(html):
    aside = html[html.index('<aside class="facts"') : html.index("</aside>")]
    return dict(FACT_RE.findall(aside))


def card_titles(html):
    return [title for _, title in CARD_RE.findall(html)]


def result_count(html):
    """The directory's result line, whitespace folded."""
    found = re.search(r'<p class="result-count" role="status">(.*?)</p>', html, re.S)
    return " ".join(found[1].split())


# The MLOps Engineer page against its content file and the original guide.


def test_mlops_page_shows_every_text_of_its_content_file(client, mlops):
    """The career page shows every text of the shipped content file."""
    html = get_html(client, MLOPS_URL)

    texts = list(visible_texts(load_content()))

    assert len(texts) == 80
    page = markdown_page(html)
    missing = [text for text in texts if as_shown(text) not in page]
    assert missing == []


def test_mlops_page_shows_each_factor_beside_its_score_in_order(client, mlops):
    """The eight factors are listed in the guide's order, each beside its score."""
    html = get_html(client, MLOPS_URL)

    assert FACTOR_RE.findall(html) == [
        ("Opportunities for Advancement", "9/10"),
        ("Skill Development", "9/10"),
        ("Industry Growth", "8/10"),
        ("Stability", "8/10"),
        ("Networking Opportunities", "8/10"),
        ("Flexibility", "8/10"),
        ("Salary and Benefits Progression", "8/10"),
        ("Work-Life Balance", "7/10"),
    ]
    content = load_content()["good_career"]["scores"]
    assert FACTOR_RE.findall(html) == [
        (escape(item["factor"]), f"{item['score']}/10") for item in content
    ]


def test_mlops_page_shows_each_stage_salary_and_its_source(client, mlops):
    """Each stage shows its salary as the guide gives it, citing Talent.com."""
    html = get_html(client, MLOPS_URL)

    assert stage_salaries(html) == [
        ("Junior MLOps Engineer", "Salary data not available"),
        ("MLOps Engineer", "$131,158 – $200,000"),
        ("Senior MLOps Engineer", "$165,000 – $207,125"),
        ("MLOps Team Lead", "$137,700"),
        ("Director of MLOps", "$198,125 – $237,500"),
    ]
    assert stages_without_salary(html) == ["Junior MLOps Engineer"]
    assert (
        html.count(
            '<p class="source">Salary figures sourced from '
            '<a href="https://www.talent.com/salary?job=mlops+engineer">Talent.com</a>'
        )
        == 1
    )


def test_salary_source_sentence_ends_right_after_the_source(client, mlops):
    """The source sentence names Talent.com and says its date is not recorded."""
    html = get_html(client, MLOPS_URL)

    assert (
        '<p class="source">Salary figures sourced from '
        '<a href="https://www.talent.com/salary?job=mlops+engineer">Talent.com</a> '
        "(per year, retrieval date not recorded).</p>"
    ) in html


def test_salary_sources_are_cited_once_each_in_stage_order(client, db):
    """Each distinct salary source is cited once, in the order of the stages."""
    career = factories.career()
    survey = factories.source(name="Pay Survey", retrieved_on=datetime.date(2024, 5, 1))
    talent = factories.source(url="https://www.talent.com/")
    factories.stage(career, 1, salary_min=1, salary_max=2, source=survey)
    factories.stage(career, 2, salary_min=3, salary_max=4, source=talent)
    factories.stage(career, 3, salary_min=5, salary_max=6, source=survey)
    factories.stage(career, 4)

    html = get_html(client, career.get_absolute_url())

    sentence = re.search(r'<p class="source">(.*?)</p>', html, re.S)[1]
    assert re.split(r"(?<=\)),\s*", sentence.removesuffix(".").rstrip()) == [
        "Salary figures sourced from Pay Survey (per year, retrieved May 2024)",
        '<a href="https://www.talent.com/">Talent.com</a> '
        "(per year, retrieval date not recorded)",
    ]
    assert quick_facts(html)["Salary across stages"] == (
        '$1 – $6 <span class="muted">(source: Pay Survey, Talent.com)</span>'
    )


def test_mlops_page_headings_follow_the_guide(client, mlops):
    """The section headings read as in the guide, with the article before the role."""
    html = get_html(client, MLOPS_URL)

    headings = re.findall(r'<h2 id="[a-z-]+-heading">(.*?)</h2>', html)

    assert headings == [
        "Quick facts",
        "On this page",
        "What does an MLOps Engineer do?",
        "Why Choose a Career as an MLOps Engineer?",
        "Is MLOps Engineer a Good Career Path?",
        "Steps to Become an MLOps Engineer",
        "Career Progression for an MLOps Engineer",
        "Essential Skills for an MLOps Engineer",
        "Educational Requirements for an MLOps Engineer",
        "Future Outlook",
    ]
    assert "<h1>MLOps Engineer Career Path</h1>" in html
    assert "<title>MLOps Engineer Career Path · Career Portal</title>" in html


NUMBERED_RE = re.compile(
    r"^\s*\d+\.\s+(?P<title>.+?)(?: \((?P<detail>[^)]*)\))?: (?P<text>.+)$"
)


def test_mlops_page_shows_every_line_of_the_original_guide(client, mlops):
    """Every list item and paragraph of the original guide appears on the page."""
    if not GUIDE_FILE.is_file():
        pytest.skip(f"the original guide is not at {GUIDE_FILE}")
    html = get_html(client, MLOPS_URL)
    factors = dict(FACTOR_RE.findall(html))
    salaries = dict(stage_salaries(html))
    lines = [line.strip() for line in GUIDE_FILE.read_text("utf-8").splitlines()]

    items = [NUMBERED_RE.match(line) for line in lines if NUMBERED_RE.match(line)]
    # Headings end without a full stop or a colon; paragraphs end with one.
    paragraphs = [
        line
        for line in lines
        if line.endswith((".", ":")) and not NUMBERED_RE.match(line)
    ]

    assert len(items) == 8 + 8 + 5 + 4 + 4
    assert len(paragraphs) == 14
    for item in items:
        title, detail, text = item["title"], item["detail"], item["text"]
        assert as_shown(text) in markdown_page(html), text
        if detail and detail.startswith("Score: "):
            assert factors[escape(title)] == detail.removeprefix("Score: ") + "/10"
        elif detail:
            # The guide writes ranges with a hyphen; the page uses an en dash.
            assert salaries[escape(title)] == detail.replace(" - ", " – ")
        else:
            assert re.search(rf"<h3>(<a [^>]*>)?{re.escape(escape(title))}<", html), (
                title
            )
    for paragraph in paragraphs:
        assert f"<p>{as_shown(paragraph)}</p>" in markdown_page(html), paragraph


def test_mlops_sections_follow_the_guide_order(client, mlops):
    """The sections come in the guide's order, from overview to outlook."""
    html = get_html(client, MLOPS_URL)

    positions = [html.index(f'<section id="{id}"') for id in SECTION_IDS]

    assert positions == sorted(positions)
    assert re.findall(r'<section id="([a-z-]+)"', html) == SECTION_IDS


def test_mlops_quick_facts(client, mlops):
    """Quick facts sum up the score, the salary span, the steps and the education."""
    html = get_html(client, MLOPS_URL)

    assert quick_facts(html) == {
        "Overall score": '8.1/10 <span class="muted">(mean of 8 factors)</span>',
        "Salary across stages": (
            '$131,158 – $237,500 <span class="muted">(source: Talent.com)</span>'
        ),
        "Steps to become": "8",
        "Typical education": (
            "Bachelor&#x27;s or Master&#x27;s Degree in Computer Science"
        ),
    }


def test_quick_facts_for_a_career_without_children(client, db):
    """A career with nothing scored or listed says so instead of showing blanks."""
    career = factories.career()

    html = get_html(client, career.get_absolute_url())

    assert quick_facts(html) == {
        "Overall score": "Not scored yet",
        "Salary across stages": "Not available",
        "Steps to become": "0",
        "Typical education": "Not specified",
    }


# Drafts.


def test_draft_page_is_hidden_from_anonymous_visitors(client, db):
    """Drafts are hidden from anonymous visitors."""
    draft = factories.career(status=CareerPath.Status.DRAFT)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404


def test_draft_page_is_hidden_from_users_who_are_not_staff(
    client, django_user_model, db
):
    """A signed-in visitor who is not staff cannot see a draft either."""
    draft = factories.career(status=CareerPath.Status.DRAFT)
    client.force_login(django_user_model.objects.create_user("reader"))

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404


def test_staff_see_a_draft_with_a_banner(admin_client, db):
    """Staff can review a draft, which carries a banner saying it is unpublished."""
    draft = factories.career(title="Secret Role", status=CareerPath.Status.DRAFT)
    published = factories.career()

    draft_html = get_html(admin_client, draft.get_absolute_url())
    published_html = get_html(admin_client, published.get_absolute_url())

    banner = re.search(r'<p class="banner" role="status">(.*?)</p>', draft_html, re.S)
    assert " ".join(banner[1].split()) == (
        "<strong>Preview: not published.</strong> Draft. Only staff can see this page."
    )
    assert "<h1>Secret Role Career Path</h1>" in draft_html
    assert "Preview: not published." not in published_html


def test_drafts_are_left_out_of_the_list_and_the_home_page(client, db):
    """Drafts appear neither in the career list nor on the home page."""
    factories.career(title="Open Role")
    factories.career(
        title="Secret Role",
        status=CareerPath.Status.DRAFT,
        category=factories.category(name="Hidden Category"),
    )

    list_html = get_html(client, "/careers/")
    home_html = get_html(client, "/")

    assert card_titles(list_html) == ["Open Role"]
    assert result_count(list_html) == "1 career"
    assert card_titles(home_html) == ["Open Role"]
    for html in (list_html, home_html):
        assert "Secret Role" not in html
        assert "Hidden Category" not in html


# The career list and the home page.


def test_career_list_pages_by_24(client, db):
    """The list shows 24 careers a page, by title, and the rest on page 2."""
    category = factories.category()
    for n in range(25, 0, -1):
        factories.career(title=f"Career {n:02d}", category=category)

    first = get_html(client, "/careers/")
    second = get_html(client, "/careers/?page=2")

    assert card_titles(first) == [f"Career {n:02d}" for n in range(1, 25)]
    assert card_titles(second) == ["Career 25"]
    assert result_count(first) == "25 careers"
    assert '<span aria-current="page">Page 1 of 2</span>' in first
    assert '<a href="?page=2" rel="next">Next' in first
    assert '<span aria-current="page">Page 2 of 2</span>' in second
    assert '<a href="?page=1" rel="prev">Previous' in second
    assert 'rel="next"' not in second
    assert card_titles(get_html(client, "/careers/?page=last")) == ["Career 25"]


@pytest.mark.parametrize("number", ["abc", "0", "-1", "2.5", "", "\x00"])
def test_career_list_page_that_is_not_a_number_is_page_one(client, db, number):
    """A page that is not a positive whole number is cleaned to page 1."""
    factories.career(title="Only Role")

    response = client.get("/careers/", {"page": number})

    assert response.status_code == 200
    assert card_titles(response.content.decode()) == ["Only Role"]


@pytest.mark.parametrize("number", ["2", "99", "99999", "9" * 30])
def test_career_list_page_past_the_end_is_not_found(client, db, number):
    """A page past the end is a 404, not a 500."""
    factories.career()

    response = client.get("/careers/", {"page": number})

    assert response.status_code == 404


def test_career_list_card_shows_category_score_and_summary(client, db):
    """A card shows the category, the overall score and the summary."""
    career = factories.career(
        title="Data Wrangler",
        summary="Wrangles data.",
        category=factories.category(name="Data & AI"),
    )
    factories.score(career, score=9)
    factories.score(career, score=8)

    html = get_html(client, "/careers/")

    assert (
        f'<h3><a href="{career.get_absolute_url()}">Data Wrangler</a></h3>\n'
        '  <p class="card-meta">Data &amp; AI</p>\n'
        "  <p>Wrangles data.</p>"
    ) in html
    assert "<dt>Overall score</dt><dd>8.5/10</dd>" in html
    assert "<dt>Salary across stages</dt><dd>Not available</dd>" in html


def test_empty_list_and_home_page(client, db):
    """With nothing published, the list and the home page say so."""
    factories.career(status=CareerPath.Status.DRAFT)

    list_html = get_html(client, "/careers/")
    home_html = get_html(client, "/")

    assert "<p>No careers are published yet.</p>" in list_html
    assert result_count(list_html) == "0 careers"
    assert "<p>No careers are published yet.</p>" in home_html
    assert 'id="categories-heading"' not in home_html


def test_home_page_shows_categories_and_latest_careers(client, db):
    """The home page lists the categories in use and the six latest careers."""
    data = factories.category(name="Data & AI")
    design = factories.category(name="Design")
    factories.category(name="Empty Category")
    now = timezone.now()
    for n in range(1, 8):
        career = factories.career(title=f"Role {n}", category=data if n % 2 else design)
        # Role 7 is the most recently updated, Role 1 the least.
        CareerPath.objects.filter(pk=career.pk).update(
            updated=now - datetime.timedelta(days=10 - n)
        )

    html = get_html(client, "/")

    assert re.findall(
        r'<li><a href="/careers/\?category=([^"]+)">([^<]+) <span', html
    ) == [
        (data.slug, "Data &amp; AI"),
        (design.slug, "Design"),
    ]
    assert "Empty Category" not in html
    assert card_titles(html) == [f"Role {n}" for n in range(7, 1, -1)]


def test_mlops_on_the_home_page_and_in_the_list(client, mlops):
    """The shipped career appears on the home page and in the list, scored 8.1."""
    meta = "<dt>Overall score</dt><dd>8.1/10</dd>"

    for url in ("/", "/careers/"):
        html = get_html(client, url)
        assert card_titles(html) == ["MLOps Engineer"]
        assert html.count(meta) == 1
    assert '?category=data-ai">Data &amp; AI <span class="count">(1)</span>' in (
        get_html(client, "/")
    )


# Query counts stay constant as content grows.


@pytest.mark.parametrize("size", [1, 20])
def test_detail_page_query_count_is_constant(
    client, db, django_assert_num_queries, size
):
    """The career page takes 1 query, however many children the career has and
    however many other careers there are, and 9 on the first visit after a
    change."""
    career = factories.full_career(size=size)
    for _ in range(10):
        factories.full_career(size=2)
    url = career.get_absolute_url()

    # The career; then, to render its article: the career with its category and
    # sources, one query per kind of child and one for the scores' citations,
    # and storing the result.
    with django_assert_num_queries(9):
        first = client.get(url)
    with django_assert_num_queries(1):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content == first.content
    assert response.content.decode().count("<h3>Step ") == size


@pytest.mark.parametrize("count", [1, 20])
def test_list_page_query_count_is_constant(
    client, db, django_assert_num_queries, count
):
    """The career list takes 3 queries, however many careers it shows."""
    for _ in range(count):
        factories.full_career(size=2)

    # The paginator's count, the page of careers, the category choices.
    with django_assert_num_queries(3):
        response = client.get("/careers/")

    assert response.status_code == 200
    assert len(card_titles(response.content.decode())) == count


@pytest.mark.parametrize("count", [1, 20])
def test_home_page_query_count_is_constant(
    client, db, django_assert_num_queries, count
):
    """The home page takes 3 queries, however many careers and categories exist."""
    for _ in range(count):
        factories.full_career(size=2)

    # The categories in use, the featured careers, the highest-scored careers.
    with django_assert_num_queries(3):
        response = client.get("/")

    assert response.status_code == 200
    assert len(card_titles(response.content.decode())) == min(count, 6)


def test_mlops_page_query_count(client, mlops, django_assert_num_queries):
    """The shipped career page also takes 1 query once rendered."""
    with django_assert_num_queries(9):
        client.get(MLOPS_URL)
    with django_assert_num_queries(1):
        response = client.get(MLOPS_URL)

    assert response.status_code == 200


# Escaping and salary display.


def test_staff_text_is_escaped(client, db):
    """Markup typed by staff is shown as text, never run as HTML."""
    career = factories.career(
        title="Escaped Role", summary=SCRIPT, intro=SCRIPT, outlook=SCRIPT
    )
    factories.score(career, reason=SCRIPT)
    factories.step(career, 1, title=SCRIPT, text=SCRIPT)
    factories.stage(career, 1, description=SCRIPT)
    factories.career_skill(career, 1, description=SCRIPT)
    factories.education(career, 1, text=SCRIPT)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"

    detail = get_html(client, career.get_absolute_url())
    listing = get_html(client, "/careers/")
    home = get_html(client, "/")

    # The summary four times (meta and Open Graph and Twitter descriptions, and
    # the lead), every other field once; JSON-LD escapes it its own way.
    assert SCRIPT not in detail
    assert detail.count(escaped) == 12
    assert f'<meta name="description" content="{escaped}">' in detail
    assert f'<p class="lead">{escaped}</p>' in detail
    assert f'<div class="prose"><p>{escaped}</p></div>' in detail
    assert f"<li><h3>{escaped}</h3><p>{escaped}</p></li>" in detail
    for html in (listing, home):
        assert SCRIPT not in html
        assert html.count(escaped) == 1


def test_stage_salary_display(client, db):
    """A stage shows a range, a single figure, or a note that no data exists."""
    career = factories.career()
    factories.stage(career, 1, title="Range", salary_min=40000, salary_max=60000)
    factories.stage(career, 2, title="Single", salary_min=50000, salary_max=50000)
    factories.stage(career, 3, title="Missing")
    factories.stage(
        career, 4, title="Euro", salary_min=30000, salary_max=45000, currency="EUR"
    )
    factories.stage(
        career, 5, title="Franc", salary_min=90000, salary_max=120000, currency="CHF"
    )

    html = get_html(client, career.get_absolute_url())

    assert stage_salaries(html) == [
        ("Range", "$40,000 – $60,000"),
        ("Single", "$50,000"),
        ("Missing", "Salary data not available"),
        ("Euro", "€30,000 – €45,000"),
        # CLDR sets a code apart from its figure with a no-break space.
        ("Franc", "CHF\N{NO-BREAK SPACE}90,000 – CHF\N{NO-BREAK SPACE}120,000"),
    ]
    assert stages_without_salary(html) == ["Missing"]
    # Mixed currencies have no single span.
    assert quick_facts(html)["Salary across stages"] == "Not available"


def test_quick_facts_salary_span_in_one_currency(client, db):
    """The salary span runs from the lowest to the highest figure of any stage."""
    career = factories.career()
    factories.stage(career, 1, salary_min=30000, salary_max=45000, currency="EUR")
    factories.stage(career, 2)
    factories.stage(career, 3, salary_min=28000, salary_max=28000, currency="EUR")

    html = get_html(client, career.get_absolute_url())

    assert quick_facts(html)["Salary across stages"] == "€28,000 – €45,000"
