"""A career's share image (careers.share): drawn once, stored, named by what
it shows, and offered by the career page's head."""

import io
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image

from careers.models import CareerPath, ShareImage
from careers.share import drawing, images
from portal.pagecache import local_pages
from tests import factories

SITE_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"
META_RE = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')
FOREVER = "public, max-age=31536000, immutable"
# 150 characters, the longest title a career may have.
LONG_TITLE = (
    "Senior Principal Machine Learning Operations Reliability Engineer for "
    "Distributed Large Scale Real Time Data Platforms and Infrastructure Teams Europe"
)


def meta_tags(client, career):
    response = client.get(career.get_absolute_url())
    assert response.status_code == 200
    return dict(META_RE.findall(response.content.decode()))


def image_url(client, career):
    return meta_tags(client, career)["og:image"].removeprefix("http://testserver")


def scored_career(**fields):
    """A published career scored 8 with yearly salaries of $131,158 to $238,000."""
    career = factories.career(**fields)
    factories.score(career, score=8)
    factories.stage(career, 1, salary_min=131_158, salary_max=160_000)
    factories.stage(career, 2, salary_min=170_000, salary_max=238_000)
    return CareerPath.objects.get(pk=career.pk)


def decoded(response):
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def luminance(colour):
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other):
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


# What it shows.


@pytest.mark.django_db
def test_the_card_shows_title_score_salary_span_and_site():
    """The score on the factors' scale, the yearly span in compact money."""
    card = images.card(scored_career(title="MLOps Engineer"))
    assert card == drawing.Card(
        title="MLOps Engineer",
        facts=(
            ("Overall score", "8.0/10"),
            ("Salary across stages", "$131K–$238K"),
        ),
        site="Career Portal",
    )


@pytest.mark.django_db
def test_the_shipped_guide_shows_its_figures(mlops):
    assert images.card(mlops).facts == (
        ("Overall score", f"{mlops.overall_score:.1f}/10"),
        ("Salary across stages", images.salary_span(mlops)),
    )
    assert re.fullmatch(r"\$\d+K–\$\d+K", images.salary_span(mlops))


@pytest.mark.django_db
def test_no_span_without_yearly_figures_in_one_currency():
    career = scored_career()
    factories.stage(career, 3, salary_min=90_000, salary_max=95_000, currency="EUR")
    career.refresh_from_db()
    assert career.salary_currency == ""
    assert images.card(career).facts == (("Overall score", "8.0/10"),)
    assert images.card(factories.career()).facts == ()


def test_a_million_keeps_a_decimal():
    assert images.money(1_250_000, "EUR") == "€1.2M"
    assert images.money(131_158, "USD") == "$131K"


# The page's head.


@pytest.mark.django_db
def test_the_career_page_offers_a_large_image_card(client):
    """og:image is an absolute URL of a 1200×630 PNG, and Twitter shows it large."""
    career = scored_career(title="MLOps Engineer")
    tags = meta_tags(client, career)

    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:image"].startswith("http://testserver/careers/")
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["og:image:width"] == "1200"
    assert tags["og:image:height"] == "630"
    assert tags["og:image:alt"].startswith("MLOps Engineer: Overall score 8.0/10")
    response = client.get(tags["og:image"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = decoded(response)
    assert (image.format, image.size) == ("PNG", (1200, 630))


@pytest.mark.django_db
def test_other_pages_keep_the_small_card(client):
    assert 'content="summary"' in client.get("/careers/").content.decode()


@pytest.mark.django_db
def test_the_page_names_its_image_without_drawing_it(client, django_assert_num_queries):
    """Once its article is stored, the career page is still one query, and it
    has drawn no image."""
    career = scored_career()
    client.get(career.get_absolute_url())
    with django_assert_num_queries(1):
        tags = meta_tags(client, career)
    assert "og:image" in tags
    assert not ShareImage.objects.exists()


# Serving it.


@pytest.mark.django_db
def test_the_image_is_kept_for_a_year(client):
    career = scored_career()
    response = client.get(image_url(client, career))
    assert response["Cache-Control"] == FOREVER
    assert response["ETag"] == f'"{images.version(career)}"'
    assert "X-Robots-Tag" not in response


@pytest.mark.django_db
def test_a_client_that_has_it_gets_a_304(client):
    career = scored_career()
    url = image_url(client, career)
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


@pytest.mark.django_db
def test_head_answers_like_get(client):
    career = scored_career()
    response = client.head(image_url(client, career))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == FOREVER
    assert response.content == b""


@pytest.mark.django_db
def test_drawn_once_then_read(client, django_assert_num_queries):
    """The first request draws and stores the image; the next reads it in one
    query, drawing nothing."""
    career = scored_career()
    url = image_url(client, career)
    first = client.get(url)
    stored = ShareImage.objects.get(career=career)
    assert bytes(stored.png) == first.content

    with django_assert_num_queries(1):
        again = client.get(url)

    assert again.content == first.content
    assert ShareImage.objects.get(career=career).created == stored.created


@pytest.mark.django_db
def test_another_node_serves_the_stored_copy(client, django_assert_num_queries):
    """Another process, with an empty cache, answers with the database's copy
    (here replaced by another PNG, to tell it from a fresh drawing)."""
    career = scored_career()
    url = image_url(client, career)
    client.get(url)
    stand_in = drawing.draw(full_card("Stand-in"))
    ShareImage.objects.filter(career=career).update(png=stand_in)
    cache.clear()
    local_pages.clear()

    with django_assert_num_queries(1):
        other = Client().get(url)

    assert other.status_code == 200
    assert other.content == stand_in


@pytest.mark.django_db
def test_the_url_changes_with_the_title_and_the_score(client):
    """An edit gives the image a new URL; the old one no longer answers with an
    image (which clients would keep for a year), but redirects to the new."""
    career = scored_career(title="Data Engineer")
    first_url = image_url(client, career)
    first = client.get(first_url).content

    career.title = "Analytics Engineer"
    career.save()
    retitled_url = image_url(client, career)
    assert retitled_url != first_url
    old = client.get(first_url)
    assert old.status_code == 302
    assert old["Location"] == retitled_url
    assert "immutable" not in old["Cache-Control"]
    retitled = client.get(retitled_url)
    assert retitled.content != first
    assert bytes(ShareImage.objects.get(career=career).png) == retitled.content

    score = career.scores.get()
    score.score = 3
    score.save()
    rescored_url = image_url(client, career)
    assert rescored_url not in (first_url, retitled_url)
    assert client.get(retitled_url)["Location"] == rescored_url
    assert client.get(rescored_url).content != retitled.content


@pytest.mark.django_db
def test_the_version_follows_what_is_drawn():
    """The same texts, the same version; another text, another."""
    career = scored_career()
    assert images.version(career) == images.version(
        CareerPath.objects.get(pk=career.pk)
    )
    career.top_salary = 250_000
    assert images.version(career) != images.version(
        CareerPath.objects.get(pk=career.pk)
    )


@pytest.mark.django_db
def test_drafts_are_not_served_to_visitors(client, admin_client):
    """A draft's image is 404 for visitors; staff see it, never cached."""
    draft = scored_career(status=CareerPath.Status.DRAFT)
    url = images.url(draft)
    assert client.get(url).status_code == 404
    assert client.get(url.replace(images.version(draft), "0" * 12)).status_code == 404

    response = admin_client.get(url)
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
def test_unknown_careers_are_404(client):
    assert client.get("/careers/no-such-career/share/abc.png").status_code == 404


# How it looks.


def site_colours():
    """The light theme's custom properties in site.css."""
    root = SITE_CSS.read_text().split(":root {", 1)[1].split("}", 1)[0]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", root))


def test_the_colours_are_the_sites():
    colours = site_colours()
    for name, colour in drawing.PALETTE.items():
        assert colours[name] == colour, name


def full_card(title="MLOps Engineer"):
    return drawing.Card(
        title=title,
        facts=(
            ("Overall score", "10.0/10"),
            ("Salary across stages", "CHF 1.3M–CHF 2.4M"),
        ),
        site="Career Portal",
    )


def test_every_text_has_a_contrast_of_at_least_4_5():
    """WCAG AA for normal text, for each text's colour on what it is drawn on,
    which is what the drawing paints there."""
    card = full_card()
    image = Image.open(io.BytesIO(drawing.draw(card))).convert("RGB")
    texts = drawing.layout(card)
    assert {text.background for text in texts} == {
        drawing.PALETTE["bg"],
        drawing.PALETTE["surface"],
    }
    for text in texts:
        assert contrast(text.fill, text.background) >= 4.5, text.text
        left, top, _right, _bottom = text.bbox
        assert image.getpixel((left - 6, top)) == rgb(text.background), text.text


@pytest.mark.parametrize(
    "title", [LONG_TITLE, "W" * 150, "Engineer " * 16 + "X" * 6], ids=len
)
def test_a_150_character_title_fits(title):
    """Every line lies inside the canvas, the title above the facts, and a
    title of words is shown whole."""
    title = title[:150]
    assert len(title) == 150
    texts = drawing.layout(full_card(title))
    for text in texts:
        left, top, right, bottom = text.bbox
        assert left >= 0 and right <= drawing.WIDTH - drawing.MARGIN, text.text
        assert top >= 0 and bottom <= drawing.HEIGHT, text.text
    lines = texts[1:-4]  # after the site's name, before the two facts
    assert all(t.bbox[3] <= drawing.PANEL_TOP for t in lines)
    if " " in title:
        assert " ".join(t.text for t in lines) == " ".join(title.split())


@pytest.mark.django_db
def test_a_career_with_the_longest_title_is_served(client):
    career = scored_career(title=LONG_TITLE, slug="long")
    response = client.get(image_url(client, career))
    assert decoded(response).size == (1200, 630)
