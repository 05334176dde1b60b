"""Findable and shareable: page metadata, JSON-LD, sitemap, robots, feed."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine

from careers.models import CareerPath
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def meta(html, attribute, name):
    found = re.search(
        rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html
    )
    return found and found[1]


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "Find a career that suits you · Career Portal"),
        ("/careers/", "All careers · Career Portal"),
        ("/careers/?q=mlops", "Careers matching “mlops” · Career Portal"),
        ("/careers/mlops-engineer/", "MLOps Engineer Career Path · Career Portal"),
        (
            "/compare/?careers=mlops-engineer,other",
            "Compare MLOps Engineer vs Other Role · Career Portal",
        ),
        ("/skills/", "Skills · Career Portal"),
        (
            "/skills/programming-languages/",
            "Programming Languages: careers that need it · Career Portal",
        ),
    ],
)
def test_every_page_has_its_own_title_description_and_cards(client, mlops, url, title):
    """Title, description, canonical, Open Graph and Twitter tags on every page."""
    factories.career(title="Other Role", slug="other")
    html = client.get(url).content.decode()
    assert f"<title>{title}</title>" in html
    description = meta(html, "name", "description")
    assert description and len(description) > 20
    path = url.split("?")[0]
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    assert meta(html, "property", "og:title") == title.removesuffix(" · Career Portal")
    assert meta(html, "property", "og:url") == f"http://testserver{path}"
    assert meta(html, "property", "og:description") == description
    # A career page has a share image to show large (test_share_image).
    card = "summary_large_image" if path.startswith("/careers/mlops") else "summary"
    assert meta(html, "name", "twitter:card") == card
    assert meta(html, "name", "twitter:title") == meta(html, "property", "og:title")


def jsonld(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block[1])


def test_career_page_json_ld_matches_the_database(client, mlops):
    """The Occupation and BreadcrumbList say exactly what the database holds."""
    mlops.last_reviewed = datetime.date(2026, 10, 1)
    mlops.save()
    html = client.get(mlops.get_absolute_url()).content.decode()
    occupation, breadcrumbs = jsonld(html)["@graph"]

    assert occupation["@type"] == "Occupation"
    assert occupation["name"] == "MLOps Engineer"
    assert occupation["description"] == mlops.summary
    assert occupation["occupationalCategory"] == "Data & AI"
    stages = mlops.stages.order_by("position")
    # Every kind of salary is in tests/careers/article/test_jsonld.py.
    assert occupation["estimatedSalary"] == [
        {
            "@type": "MonetaryAmount",
            "name": stage.title,
            "currency": "USD",
            "value": {
                "@type": "QuantitativeValue",
                **(
                    {"value": stage.salary_min}
                    if stage.salary_min == stage.salary_max
                    else {"minValue": stage.salary_min, "maxValue": stage.salary_max}
                ),
                "unitText": "YEAR",
            },
        }
        for stage in stages
        if stage.salary_min is not None
    ]
    assert [s["name"] for s in occupation["estimatedSalary"]] == [
        "MLOps Engineer",
        "Senior MLOps Engineer",
        "MLOps Team Lead",
        "Director of MLOps",
    ]
    education = list(mlops.education.order_by("position"))
    assert [e["name"] for e in occupation["educationRequirements"]] == [
        e.title for e in education if e.kind == "degree"
    ]
    assert [q["name"] for q in occupation["qualifications"]] == ["Certifications"]
    assert [s["name"] for s in occupation["skills"]] == list(
        mlops.skills.order_by("position").values_list("skill__name", flat=True)
    )
    assert occupation["skills"][0]["url"] == (
        "http://testserver/skills/machine-learning-theory/"
    )
    assert occupation["mainEntityOfPage"] == {
        "@type": "WebPage",
        "@id": "http://testserver/careers/mlops-engineer/",
        "lastReviewed": "2026-10-01",
    }
    assert breadcrumbs == {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "name": "Home",
                "item": "http://testserver/",
            },
            {
                "@type": "ListItem",
                "position": 2,
                "name": "Careers",
                "item": "http://testserver/careers/",
            },
            {
                "@type": "ListItem",
                "position": 3,
                "name": "MLOps Engineer",
                "item": "http://testserver/careers/mlops-engineer/",
            },
        ],
    }


def test_stages_without_salary_data_emit_no_salary(client, db):
    """A career with no salary data has no estimatedSalary at all."""
    career = factories.career()
    factories.stage(career, 1)
    occupation = jsonld(client.get(career.get_absolute_url()).content.decode())[
        "@graph"
    ][0]
    assert "estimatedSalary" not in occupation


def test_json_ld_cannot_be_broken_out_of(client, db):
    """Text that tries to close the script element stays inside the JSON."""
    career = factories.career(summary="</script><script>alert(1)</script>")
    html = client.get(career.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert jsonld(html)["@graph"][0]["description"] == career.summary


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.find(f"{SITEMAP}loc").text: url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }


def at(day):
    return datetime.datetime.fromisoformat(f"{day}T12:00:00+00:00")


def test_sitemap_lists_public_pages_with_lastmod(client, mlops):
    """Published careers, their skills and the fixed pages, each with the date
    of its latest live change; never drafts, unpublished or scheduled careers,
    nor their only skills, and their later edits move no date."""
    shared = mlops.skills.first().skill
    with time_machine.travel(at("2026-06-01"), tick=False):
        past = factories.career(slug="past", publish_at=at("2026-05-31"))
        factories.career_skill(past, 1, skill=factories.skill(slug="past-skill"))
        for status, slug in [("draft", "draft"), ("unpublished", "gone")]:
            hidden = factories.career(slug=slug, status=status)
            factories.career_skill(hidden, 1, skill=shared)
        later = factories.career(slug="later", publish_at=at("2026-06-02"))
        factories.career_skill(later, 1, skill=factories.skill(slug="future-skill"))
        factories.career_skill(later, 2, skill=shared)
        for career, day in [(mlops, "2026-03-10"), (past, "2026-02-01")]:
            CareerPath.objects.filter(pk=career.pk).update(updated=at(day))
        # Edited after every live career, but not live: they move no date.
        CareerPath.objects.exclude(pk__in=[mlops.pk, past.pk]).update(
            updated=at("2026-05-01")
        )
        entries = sitemap_entries(client)

    assert entries == {
        "http://testserver/": "2026-03-10",
        "http://testserver/careers/": "2026-03-10",
        "http://testserver/skills/": "2026-03-10",
        # The factors it explains keep no date of change.
        "http://testserver/how-we-score/": None,
        "http://testserver/careers/mlops-engineer/": "2026-03-10",
        "http://testserver/careers/past/": "2026-02-01",
        "http://testserver/skills/past-skill/": "2026-02-01",
        **{
            f"http://testserver/skills/{slug}/": "2026-03-10"
            for slug in mlops.skills.values_list("skill__slug", flat=True)
        },
    }


def test_robots_points_to_the_sitemap_and_keeps_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_atom_feed_of_recent_careers(client, mlops):
    """The feed lists live careers, newest update first, and is linked from pages."""
    factories.career(slug="secret", title="Secret", status=CareerPath.Status.DRAFT)
    newer = factories.career(title="Newest Role")
    response = client.get("/feeds/careers/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [newer.title, mlops.title]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == (
        f"http://testserver{newer.get_absolute_url()}"
    )
    assert first.find(f"{ATOM}updated").text.startswith(str(newer.updated.date()))
    html = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in html and 'href="/feeds/careers/"' in html
