"""/skills/ and /skills/<slug>/: the shared skill taxonomy for visitors."""

import re

import pytest

from careers.models import CareerPath
from tests import factories

pytestmark = pytest.mark.django_db


def test_skill_list_counts_published_careers(client, mlops):
    """Each skill shows how many published careers need it; draft-only skills hide."""
    analyst = factories.career(title="Data Analyst")
    programming = mlops.skills.get(position=2).skill
    factories.career_skill(analyst, 1, skill=programming)
    draft = factories.career(status=CareerPath.Status.DRAFT)
    factories.career_skill(draft, 1, skill=factories.skill(name="Secret Skill"))
    factories.career_skill(draft, 2, skill=programming)

    html = client.get("/skills/").content.decode()

    found = re.findall(
        r'<li><a href="/skills/([^"]+)/">([^<]+)</a> '
        r'<span class="muted">([^<]+)</span>',
        html,
    )
    assert found == [
        (
            "data-structures-and-algorithms",
            "Data Structures and Algorithms",
            "1 career",
        ),
        ("devops-principles-and-tools", "DevOps Principles and Tools", "1 career"),
        ("machine-learning-theory", "Machine Learning Theory", "1 career"),
        ("programming-languages", "Programming Languages", "2 careers"),
    ]
    assert "Secret Skill" not in html


def test_skill_page_lists_careers_with_their_description(client, mlops):
    """A skill page shows each career that needs it, in that career's words."""
    html = client.get("/skills/programming-languages/").content.decode()
    assert "<h1>Programming Languages</h1>" in html
    assert 'href="/careers/mlops-engineer/">MLOps Engineer</a>' in html
    assert (
        "<strong>Proficiency in Programming Languages:</strong> Python, Java, and "
        "Scala are common languages used in machine learning and operations."
    ) in html


def test_career_page_links_each_skill(client, mlops):
    """Every skill on a career page links to its skill page."""
    html = client.get(mlops.get_absolute_url()).content.decode()
    for entry in mlops.skills.select_related("skill"):
        assert f'<a href="/skills/{entry.skill.slug}/">{entry.title}</a>' in html


def test_unknown_or_draft_only_skill_is_not_found(client, db):
    """Skills nobody published need are 404, like unknown ones."""
    draft = factories.career(status=CareerPath.Status.DRAFT)
    factories.career_skill(draft, 1, skill=factories.skill(slug="hidden"))
    assert client.get("/skills/hidden/").status_code == 404
    assert client.get("/skills/no-such-skill/").status_code == 404


def test_skill_page_paginates_and_cleans_its_page(client, db):
    """A popular skill pages its careers by 24; bad pages are cleaned or 404."""
    skill = factories.skill(slug="python")
    for n in range(26):
        factories.career_skill(factories.career(title=f"Role {n:02d}"), 1, skill=skill)
    assert client.get("/skills/python/").content.decode().count("<h2><a") == 24
    assert (
        client.get("/skills/python/", {"page": "2"}).content.decode().count("<h2><a")
        == 2
    )
    assert client.get("/skills/python/", {"page": "x"}).status_code == 200
    assert client.get("/skills/python/", {"page": "3"}).status_code == 404


@pytest.mark.parametrize("url", ["/skills/", "/skills/shared/"])
def test_query_count_does_not_grow_with_content(
    client, db, django_assert_max_num_queries, url
):
    """Ten times the careers and skills costs no more queries."""
    shared = factories.skill(slug="shared")

    def grow(count):
        for _ in range(count):
            career = factories.full_career(size=3)
            factories.career_skill(career, 10, skill=shared)

    grow(3)
    with django_assert_max_num_queries(4) as small:
        assert client.get(url).status_code == 200
    grow(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
