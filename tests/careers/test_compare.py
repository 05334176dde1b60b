"""/compare/: two or three careers side by side, and helpful pages otherwise."""

import re

import pytest

from careers.models import CareerPath
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(mlops):
    """The MLOps career and a Data Analyst sharing one factor and one skill."""
    analyst = factories.career(title="Data Analyst", slug="data-analyst")
    advancement = mlops.scores.get(factor__name="Opportunities for Advancement")
    factories.score(analyst, factor=advancement.factor, score=6)
    balance = mlops.scores.get(factor__name="Work-Life Balance")
    factories.score(analyst, factor=balance.factor, score=9)
    programming = mlops.skills.get(position=2).skill
    factories.career_skill(analyst, 1, skill=programming)
    factories.career_skill(analyst, 2, skill=factories.skill(name="Spreadsheets"))
    factories.stage(
        analyst, 1, title="Junior Analyst", salary_min=50000, salary_max=60000
    )
    factories.education(analyst, 1, title="Statistics degree")
    return mlops, analyst


def html_of(client, query):
    response = client.get("/compare/", {"careers": query} if query is not None else {})
    assert response.status_code == 200
    return response.content.decode()


def row(html, header):
    """The cells of the table row headed `header`, tags stripped."""
    found = re.search(
        rf'<th scope="row">{re.escape(header)}</th>(.*?)</tr>', html, re.S
    )
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found[1], re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_compares_scores_and_marks_the_leader(client, pair):
    """Each factor row shows both scores; the higher one is marked as leading."""
    html = html_of(client, "mlops-engineer,data-analyst")
    assert (
        "<title>Compare MLOps Engineer vs Data Analyst · Career Portal</title>" in html
    )
    assert row(html, "Opportunities for Advancement") == ["9 ▲ (leads)", "6"]
    assert row(html, "Work-Life Balance") == ["7", "9 ▲ (leads)"]
    assert row(html, "Stability") == ["8 ▲ (leads)", "not scored"]
    assert row(html, "Overall score") == ["8.1 ▲ (leads)", "7.5"]


def test_compares_salaries_stage_by_stage(client, pair):
    """Stages line up rung by rung; a career with fewer stages shows a dash."""
    html = html_of(client, "mlops-engineer,data-analyst")
    assert row(html, "1") == [
        "Junior MLOps Engineer Salary data not available",
        "Junior Analyst $50,000 – $60,000",
    ]
    assert row(html, "2") == ["MLOps Engineer $131,158 – $200,000", "–"]
    assert row(html, "5") == ["Director of MLOps $198,125 – $237,500", "–"]


def test_shared_and_distinct_skills_and_education(client, pair):
    """Shared skills are listed once; each career's own skills separately."""
    html = html_of(client, "mlops-engineer,data-analyst")
    shared = re.search(r"<h3>Shared by all</h3>(.*?)</ul>", html, re.S)[1]
    assert ">Programming Languages</a>" in shared
    only_analyst = re.search(r"<h3>Only Data Analyst</h3>(.*?)</ul>", html, re.S)[1]
    assert re.findall(r">([^<]+)</a>", only_analyst) == ["Spreadsheets"]
    only_mlops = re.search(r"<h3>Only MLOps Engineer</h3>(.*?)</ul>", html, re.S)[1]
    assert "Programming Languages" not in only_mlops
    assert len(re.findall(r"<li>", only_mlops)) == 3
    assert "Statistics degree" in html
    assert "Bachelor&#x27;s or Master&#x27;s Degree in Computer Science" in html


def test_three_careers_and_the_form_preselects_them(client, pair):
    """Three careers compare; the form shows their names, in order."""
    factories.career(title="Designer", slug="designer")
    html = html_of(client, "designer,mlops-engineer,data-analyst")
    selected = re.findall(r'name="careers" type="text" [^>]*value="([^"]*)"', html)
    assert selected == ["Designer", "MLOps Engineer", "Data Analyst"]
    assert "Compare Designer vs MLOps Engineer vs Data Analyst" in html


def test_careers_as_repeated_parameters(client, pair):
    """The form submits `careers` once per select; empty selects are ignored."""
    response = client.get(
        "/compare/", {"careers": ["mlops-engineer", "data-analyst", ""]}
    )
    assert response.status_code == 200
    assert 'id="scores-heading"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (None, None),
        ("", None),
        (
            "mlops-engineer",
            "Pick at least one more career to compare with MLOps Engineer.",
        ),
        ("mlops-engineer,mlops-engineer", "“mlops-engineer” was listed twice"),
        ("mlops-engineer,nope", "No published career is called “nope”."),
        ("a,b,c,d", "At most 3 careers can be compared"),
        ("<script>alert(1)</script>", "No published career is called “&lt;script&gt;"),
        ("x" * 5000 + "\x00", "No published career is called"),
        (",,,", None),
    ],
    ids=[
        "none",
        "empty",
        "one",
        "duplicate",
        "unknown",
        "four",
        "markup",
        "long",
        "commas",
    ],
)
def test_helpful_page_for_bad_requests(client, pair, query, message):
    """Missing, unknown, duplicate or too many careers get a helpful page."""
    html = html_of(client, query)
    assert "<legend>Choose two or three careers</legend>" in html
    assert 'id="scores-heading"' not in html
    if message:
        assert message in html
    assert "<script>alert" not in html


def test_duplicate_with_another_still_compares(client, pair):
    """A duplicate is noted, and the two distinct careers are still compared."""
    html = html_of(client, "mlops-engineer,data-analyst,mlops-engineer")
    assert "“mlops-engineer” was listed twice; it is shown once." in html
    assert 'id="scores-heading"' in html


def test_drafts_cannot_be_compared(client, pair):
    """A draft is unknown to visitors, and absent from the picker."""
    factories.career(title="Secret", slug="secret", status=CareerPath.Status.DRAFT)
    html = html_of(client, "mlops-engineer,secret")
    assert "No published career is called “secret”." in html
    assert 'value="secret"' not in html


def test_career_page_links_to_compare(client, mlops):
    """Every career page offers “Compare with…” preselecting itself."""
    html = client.get(mlops.get_absolute_url()).content.decode()
    assert 'href="/compare/?careers=mlops-engineer">Compare with…</a>' in html


def test_query_count_does_not_grow_with_content(
    client, db, django_assert_max_num_queries
):
    """Comparing large careers among many costs no more queries than small ones."""
    small = [factories.full_career(size=2) for _ in range(3)]
    query = ",".join(career.slug for career in small[:3])
    with django_assert_max_num_queries(9) as before:
        client.get("/compare/", {"careers": query})
    large = [factories.full_career(size=20) for _ in range(30)]
    query = ",".join(career.slug for career in large[:3])
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get("/compare/", {"careers": query})
    assert 'id="scores-heading"' in response.content.decode()


def test_nobody_leads_a_tie():
    """When every career scores the same, no cell is marked as leading."""
    from careers.comparison import ScoreRow

    assert ScoreRow("Stability", [8, 8]).cells == [(8, False), (8, False)]
    assert ScoreRow("Stability", [8, 8, 7]).cells == [(8, True), (8, True), (7, False)]
    assert ScoreRow("Stability", [8, None]).cells == [(8, True), (None, False)]
    assert ScoreRow("Stability", [None, None]).cells == [(None, False), (None, False)]


def test_careers_can_be_named_by_title_or_words(client, pair):
    """What a visitor types: a title in any case, or words that find one."""
    response = client.get("/compare/", {"careers": ["mlops engineer", "analyst"]})
    html = response.content.decode()
    assert "Compare MLOps Engineer vs Data Analyst" in html
    assert "“analyst” was taken to mean Data Analyst." in html
    assert "was taken to mean MLOps Engineer" not in html


def test_suggestions_are_bounded_and_related_first(client, pair):
    """However many careers there are, the form suggests at most 100 titles,
    those in the category of the careers compared first."""
    other = factories.category(name="Other")
    for n in range(110):
        factories.career(title=f"Aaa {n:03}", slug=f"aaa-{n}", category=other)
    html = client.get("/compare/?careers=mlops-engineer").content.decode()
    suggestions = re.findall(r'<option value="([^"]*)">', html)
    assert len(suggestions) == 100
    mlops = CareerPath.objects.get(slug="mlops-engineer")
    peers = CareerPath.objects.filter(category=mlops.category).order_by("title")
    assert suggestions[: peers.count()] == [c.title for c in peers]


def test_a_real_guide_wins_over_a_sample_with_its_title(client, pair):
    """A sample may borrow a real guide's title; a typed title picks the guide,
    the sample is labelled wherever it shows, and the title is offered once."""
    mlops, analyst = pair
    factories.career(title="Data Analyst", slug="aaa-sample-analyst", is_sample=True)
    html = html_of(client, "data analyst,mlops-engineer")
    assert 'href="/careers/data-analyst/"' in html
    assert 'href="/careers/aaa-sample-analyst/"' not in html
    assert html.count('<option value="Data Analyst">') == 1

    html = html_of(client, "aaa-sample-analyst,mlops-engineer")
    header = re.search(r"<thead>.*?</thead>", html, re.S)[0]
    assert 'aaa-sample-analyst/">Data Analyst</a> <span class="tag-sample">' in header


def test_samples_are_labelled_among_the_highest_scored(client, db):
    """The home page's ranking says which careers are samples."""
    factories.score(factories.career(title="Generated", is_sample=True), score=9)
    html = client.get("/").content.decode()
    ranking = re.search(r'<ol class="ranking">.*?</ol>', html, re.S)[0]
    assert 'Generated</a> <span class="tag-sample">Sample</span>' in ranking
