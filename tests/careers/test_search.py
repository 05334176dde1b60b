"""Directory search: ranked full-text search on PostgreSQL, containment elsewhere."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils.timezone import now

from careers.models import CareerPath
from tests import factories

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="Stemming, prefixes, typos, highlighting and indexes are PostgreSQL "
    "full-text features; other databases use the containment fallback",
)
fallback_only = pytest.mark.skipif(
    ON_POSTGRES, reason="PostgreSQL ranks by full-text search instead"
)

CARD_RE = re.compile(r'<h3><a href="/careers/[^"]+/">([^<]+)</a></h3>')


def found(query):
    """Titles of the published careers matching `query`, best first."""
    careers = CareerPath.objects.published().search(query)
    return [career.title for career in careers]


def test_a_title_match_ranks_above_a_body_only_match(db):
    """A career named for the words comes before one that only mentions them."""
    mention = factories.career(title="Platform Lead")
    factories.step(mention, 1, text="Run Kubernetes clusters in production.")
    factories.career(title="Kubernetes Administrator")
    factories.career(title="Florist")

    assert found("kubernetes") == ["Kubernetes Administrator", "Platform Lead"]


def test_every_text_of_a_career_is_searched(db):
    """Steps, stages, skills, education and section texts all count."""
    texts = {
        "step": lambda c: factories.step(c, 1, title="Learn zymurgy"),
        "stage": lambda c: factories.stage(c, 1, description="Zymurgy lead."),
        "skill name": lambda c: factories.career_skill(
            c, 1, skill=factories.skill(name="Zymurgy")
        ),
        "skill heading": lambda c: factories.career_skill(c, 1, title="Zymurgy"),
        "skill text": lambda c: factories.career_skill(c, 1, description="Zymurgy."),
        "education": lambda c: factories.education(c, 1, text="A zymurgy course."),
    }
    for name, add in texts.items():
        add(factories.career(title=f"Via {name}"))
    factories.career(title="Via outlook", outlook="Zymurgy is growing.")
    factories.career(title="Via summary", summary="Zymurgy, mostly.")
    factories.career(title="Unrelated")

    assert sorted(found("zymurgy")) == sorted(
        [f"Via {name}" for name in texts] + ["Via outlook", "Via summary"]
    )


def test_a_skill_named_query_finds_careers_that_mention_it(db):
    """A query for "python" finds careers listing the skill or mentioning it."""
    python = factories.skill(name="Python")
    factories.career_skill(factories.career(title="Data Analyst"), 1, skill=python)
    factories.step(factories.career(title="Web Developer"), 1, text="Learn Python.")
    factories.education(factories.career(title="Statistician"), 1, text="Python.")
    factories.career_skill(factories.career(title="Designer"), 1)

    assert found("python") == ["Data Analyst", "Statistician", "Web Developer"]


def test_every_word_must_match(db):
    """Words may match in different texts, but each must match somewhere."""
    analyst = factories.career(title="Data Analyst")
    factories.step(analyst, 1, text="Learn Python.")
    factories.career(title="Data Engineer")

    assert found("data python") == ["Data Analyst"]


def test_drafts_and_scheduled_careers_never_match(db):
    """Search reveals nothing a visitor may not see."""
    factories.career(title="Secret Analyst", status=CareerPath.Status.DRAFT)
    factories.career(title="Hidden Analyst", status=CareerPath.Status.UNPUBLISHED)
    factories.career(title="Future Analyst", publish_at=now() + timedelta(days=1))
    factories.career(title="Data Analyst")

    assert found("analyst") == ["Data Analyst"]


def test_a_word_in_a_new_step_becomes_findable_at_once(db):
    """The search document follows every edit of a career's children."""
    career = factories.career(title="Brewer")
    assert found("zymurgy") == []

    step = factories.step(career, 1, text="Study zymurgy.")
    assert found("zymurgy") == ["Brewer"]

    step.text = "Study fermentation."
    step.save()
    assert found("zymurgy") == []
    assert found("fermentation") == ["Brewer"]

    step.delete()
    assert found("fermentation") == []


def test_a_renamed_skill_is_found_by_its_new_name(db):
    """A skill's name is searched in every career that lists it."""
    skill = factories.skill(name="Excel")
    factories.career_skill(factories.career(title="Accountant"), 1, skill=skill)
    skill.name = "Spreadsheets"
    skill.save()

    assert found("spreadsheets") == ["Accountant"]
    assert found("excel") == []


def test_an_imported_career_is_found_by_its_steps_and_skills(mlops):
    """An import bulk-creates children; its career is searchable by them."""
    assert found("kubernetes") == ["MLOps Engineer"]  # a step's text
    assert found("scala") == ["MLOps Engineer"]  # a skill's description


# Query: (what PostgreSQL lists, what the fallback lists), best first.
HOSTILE = {
    # The NUL is dropped; full-text search forgives the missing space.
    "data\x00analyst": (["Data Analyst"], []),
    "a" * 10_000: ([], []),
    # tsquery syntax is never passed on: the word still counts on PostgreSQL.
    "engin:*": (["ML Engineer"], []),
    "' & '": ([], []),
    "!!(": ([], []),
    "<-> | &": ([], []),
    '"data analyst': (["Data Analyst"], []),
    "-": ([], []),
    # An exclusion lists every career without the word: and none with it.
    "-florist": (["Data Analyst", "ML Engineer", "Unicode Tester", "Wordsmith"], []),
    # A stop word to PostgreSQL; two letters inside words to the fallback,
    # titles first.
    "or": ([], ["Florist", "Wordsmith", "Data Analyst"]),
    "\\": ([], []),
    # LIKE's wildcards match only themselves.
    "%_": ([], []),
    "🙂 ünïcödé": (["Unicode Tester"], ["Unicode Tester"]),
    " ".join(["word"] * 500): (["Wordsmith"], ["Wordsmith"]),
}
RESULT_COUNT_RE = re.compile(r'<p class="result-count" role="status">\s*(\d+) career')


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (query, lists[0] if ON_POSTGRES else lists[1])
        for query, lists in HOSTILE.items()
    ],
    ids=[repr(query[:20]) for query in HOSTILE],
)
def test_any_query_is_answered_with_what_it_matches(client, db, query, expected):
    """NUL bytes, operators, quotes, wildcards and very long input are words
    to look for, never errors: the directory lists what they match."""
    factories.career(title="Data Analyst", summary="Anything & more.")
    factories.career(title="ML Engineer", summary="Ships models.")
    factories.career(title="Florist", summary="Arranges flowers.")
    factories.career(title="Unicode Tester", summary="Tests 🙂 and ünïcödé input.")
    factories.career(title="Wordsmith", summary="Writes copy.")

    response = client.get("/careers/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert CARD_RE.findall(html) == expected
    assert RESULT_COUNT_RE.search(html)[1] == str(len(expected))


def test_the_search_itself_drops_nul_bytes_and_cuts_long_input(db):
    """Callers need not clean the query first: NUL bytes (which PostgreSQL
    refuses in any text) are dropped, and input is cut at 200 characters."""
    factories.career(title="Data Analyst")
    factories.career(title="Florist")

    assert found("data\x00 analyst") == ["Data Analyst"]
    assert found("analyst" + " " * 300 + "florist") == ["Data Analyst"]


def test_a_blank_query_matches_everything(db):
    """Nothing to search for filters nothing."""
    factories.career(title="Data Analyst")
    assert found("   ") == ["Data Analyst"]


def test_search_pages_cost_the_same_queries_at_any_size(
    client, db, django_assert_max_num_queries
):
    """Ranking and highlighting add no query per career."""
    for _ in range(3):
        factories.full_career(size=3)
    with django_assert_max_num_queries(3) as small:
        client.get("/careers/", {"q": "career"})
    for _ in range(27):
        factories.full_career(size=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(CARD_RE.findall(client.get("/careers/?q=career").text)) == 24


# PostgreSQL


@postgres_only
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("engin", ["MLOps Engineer"]),  # a prefix of the last word
        ("mlops engin", ["MLOps Engineer"]),
        ("ml", ["MLOps Engineer"]),
        ("enginee", ["MLOps Engineer"]),  # the title's trigrams
        ("engineering", ["MLOps Engineer"]),  # the same stem
        ("flor", ["Florist"]),
    ],
)
def test_the_last_word_may_be_a_prefix(db, query, expected):
    """Results appear while the visitor is still typing."""
    factories.career(title="MLOps Engineer")
    factories.career(title="Florist")

    assert found(query) == expected


@postgres_only
@pytest.mark.parametrize("query", ["mlops enginer", "mlps engineer", "MLOPs engineeer"])
def test_typos_in_titles_are_forgiven(db, query):
    """A misspelt title still finds the career (the last two only by trigrams)."""
    factories.career(title="MLOps Engineer")
    factories.career(title="Florist")

    assert found(query) == ["MLOps Engineer"]


@postgres_only
def test_full_text_matches_rank_above_similar_titles(db):
    """A title that is only spelt like the query comes after every real match."""
    factories.career(title="Dota Engineer")  # similar, but no "data"
    body = factories.career(title="Platform Lead")
    factories.step(body, 1, text="Work as a data engineer first.")
    factories.career(title="Data Engineer")

    assert found("data engineer") == ["Data Engineer", "Platform Lead", "Dota Engineer"]
    ranks = [c.search_rank for c in CareerPath.objects.search("data engineer")]
    assert ranks[1] > 1 >= ranks[2]


@postgres_only
def test_websearch_syntax(db):
    """Quoted phrases, -exclusions and "or" work as on web search engines."""
    factories.step(factories.career(title="A"), 1, text="Machine learning, Python.")
    factories.step(factories.career(title="B"), 1, text="Learning machine, Java.")
    factories.step(factories.career(title="C"), 1, text="Python and Java.")

    assert found('"machine learning"') == ["A"]
    assert found("python -java") == ["A"]
    assert sorted(found("python or java")) == ["A", "B", "C"]


@postgres_only
def test_the_headline_marks_matches_and_escapes_everything_else(client, db):
    """Markup in a summary comes out escaped; only <mark> is markup."""
    factories.career(
        title="Brewer",
        summary='<script>alert("x")</script> Zymurgy & <b>\ue000more\ue001</b>.',
    )

    (career,) = CareerPath.objects.search("zymurgy")
    assert career.headline == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Zymurgy</mark> "
        "&amp; &lt;b&gt;more&lt;/b&gt;."
    )

    html = client.get("/careers/", {"q": "zymurgy"}).text
    assert "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>" in html
    assert "<script>alert" not in html


@postgres_only
def test_the_headline_is_the_whole_summary_when_only_the_body_matches(db):
    """The card keeps its summary, unmarked, for a match elsewhere."""
    career = factories.career(title="Brewer", summary="Makes beer.")
    factories.step(career, 1, text="Study zymurgy.")

    (career,) = CareerPath.objects.search("zymurgy")
    assert career.headline == "Makes beer."


@postgres_only
def test_the_search_uses_its_indexes(db):
    """Both conditions can use a GIN index, so search stays fast at any size."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'careers_careerpath'"
        )
        indexes = {name for (name,) in cursor.fetchall()}
        # Too few rows here for the planner to prefer an index by itself.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Without the live filter, which an index of its own could answer.
        plan = CareerPath.objects.search("mlops enginer").explain()
    assert {"careers_careerpath_search_gin", "careers_careerpath_title_trgm"} <= indexes
    assert "Bitmap Index Scan on careers_careerpath_search_gin" in plan
    assert "Bitmap Index Scan on careers_careerpath_title_trgm" in plan


# Elsewhere


@fallback_only
def test_the_fallback_puts_title_matches_first_then_orders_by_title(db):
    """Without ranking, careers named for every word come first."""
    for title in ("Zoo Keeper", "Analyst", "Data Analyst"):
        factories.step(factories.career(title=title), 1, text="Data and analysis.")
    factories.career(title="Analyst of Data")

    assert found("data analyst") == ["Analyst of Data", "Data Analyst", "Analyst"]
    assert found("data") == ["Analyst of Data", "Data Analyst", "Analyst", "Zoo Keeper"]


@fallback_only
def test_the_fallback_has_no_headline(client, db):
    """The card shows the summary, escaped, when there is no headline."""
    factories.career(title="Brewer", summary="<b>Zymurgy</b>")

    (career,) = CareerPath.objects.search("zymurgy")
    assert career.headline is None
    assert "<p>&lt;b&gt;Zymurgy&lt;/b&gt;</p>" in client.get("/careers/?q=zymurgy").text


def test_an_alternative_title_finds_the_career_as_a_title_does(db):
    """ "ML Platform Engineer" finds the guide that is also called that, above
    a career that only mentions the words."""
    career = factories.career(
        title="MLOps Engineer", alternative_titles="ML Platform Engineer\nModelOps Lead"
    )
    mention = factories.career(
        title="Data Engineer", intro="Works with ML platform engineer teams."
    )
    found = list(CareerPath.objects.search("ModelOps"))
    assert found == [career]
    found = list(CareerPath.objects.search("ML Platform Engineer"))
    assert found[0] == career and set(found) == {career, mention}
