"""/how-we-score/: the scale, the overall score, and what each factor's
scores mean; every score on a career page links to its factor there."""

import lxml.html  # (installed with extruct, which reads the structured data)
import pytest

from careers.models import Factor
from tests import factories
from tests.validators import html_errors, needs_vnu

pytestmark = pytest.mark.django_db

URL = "/how-we-score/"


def page(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.text)


def text(element):
    return " ".join(element.text_content().split())


def factor_sections(doc):
    """(id, heading, description or note, {band: anchor}) of each factor."""
    return [
        (
            section.find("h3").get("id"),
            text(section.find("h3")),
            " ".join(text(p) for p in section.xpath("./div | ./p")),
            {text(dt): text(dt.getnext()) for dt in section.iter("dt")},
        )
        for section in doc.xpath('//section[@class="factor"]')
    ]


def test_the_page_explains_the_scale_and_the_overall_score(client):
    """Anyone may read it, in the site's layout."""
    doc = page(client)
    main = text(doc.get_element_by_id("main"))
    assert text(doc.find(".//h1")) == "How we score careers"
    assert doc.find(".//header[@class='site-header']") is not None
    assert "Each factor is scored from 1 (poor) to 10 (excellent)" in main
    assert "the mean of its factor scores" in main
    assert "The scores are the editors' judgement." in main
    assert "the career page gives that evidence and its sources" in main
    (general,) = doc.xpath('//section[@aria-labelledby="scale-heading"]/dl')
    assert [text(dt) for dt in general.iter("dt")] == [
        "Low (1–3)",
        "Middle (4–7)",
        "High (8–10)",
    ]
    assert all(text(dd) for dd in general.iter("dd"))


def test_each_factor_in_position_order_with_its_own_anchors(client):
    """Made, and named, in another order than their positions."""
    factories.factor(
        name="Remote Work",
        slug="remote-work",
        position=10,
        description="Where you can work.",
    )
    factories.factor(
        name="Salary",
        slug="salary",
        position=5,
        description="What the role *pays*.",
        anchor_low="Below the median wage.",
        anchor_high="Among the best-paid roles.",
    )

    doc = page(client)

    assert factor_sections(doc) == [
        (
            "factor-salary",
            "Salary",
            "What the role pays.",
            {
                "Low (1–3)": "Below the median wage.",
                "High (8–10)": "Among the best-paid roles.",
            },
        ),
        (
            "factor-remote-work",
            "Remote Work",
            "Where you can work. Scored on the general scale above.",
            {},
        ),
    ]
    assert doc.xpath('//h3[@id="factor-salary"]/following-sibling::div//em')


def test_every_score_on_a_career_page_links_to_its_factor_here(client):
    career = factories.every_field_career()
    links = [
        a.get("href")
        for a in page(client, career.get_absolute_url()).xpath(
            '//p[@class="score-method"]/a'
        )
    ]
    ids = [f"{URL}#{section[0]}" for section in factor_sections(page(client))]
    assert links
    assert set(links) <= set(ids)
    assert len(ids) == Factor.objects.count()


@pytest.mark.parametrize("count", [1, 20])
def test_the_page_takes_one_query_for_the_factors(
    client, django_assert_num_queries, count
):
    """However many factors there are."""
    for _ in range(count):
        factories.factor(description="Measured.", anchor_middle="Typical.")
    with django_assert_num_queries(1):
        doc = page(client)
    assert len(factor_sections(doc)) == count


def test_the_footer_links_here_and_the_sitemap_lists_it(client):
    for url in ("/", "/careers/", URL):
        footer = page(client, url).find(".//footer")
        assert [a.get("href") for a in footer.iter("a")] == [URL]
    assert f"<loc>http://testserver{URL}</loc>" in client.get("/sitemap.xml").text


@needs_vnu
def test_the_pages_are_valid_html(client, tmp_path):
    """The methodology page and the every-field career page, whose facts,
    evidence, estimates and salary chart are all shown, pass the Nu Html
    Checker."""
    career = factories.every_field_career()
    pages = {
        name: client.get(url).content
        for name, url in [("methodology", URL), ("career", career.get_absolute_url())]
    }
    assert html_errors(pages, tmp_path) == []
