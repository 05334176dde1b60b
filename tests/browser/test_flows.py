"""What a visitor does: jump around a guide, search, filter, compare, follow skills."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
MLOPS = "MLOps Engineer"


def career_url(site):
    return f"/careers/{site.career}/"


def test_skip_link_is_the_first_tab_stop(page, site):
    """The first Tab shows the skip link; Enter on it moves to the main content."""
    page.goto(career_url(site))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_keyboard_user_reaches_every_section_from_the_contents(page, site, viewport):
    """Tab reaches the contents links in order; Enter on each shows its section."""
    page.set_viewport_size(viewport)
    page.goto(career_url(site))
    links = page.get_by_role("navigation", name="On this page").get_by_role("link")
    expect(links).to_have_count(8)
    targets = [links.nth(i).get_attribute("href") for i in range(8)]

    # From the top of the page, Tab lands on the first contents link...
    for _ in range(40):
        page.keyboard.press("Tab")
        if links.first.evaluate("link => link === document.activeElement"):
            break
    expect(links.first).to_be_focused()
    # ...and each further Tab on the next one.
    for i in range(1, len(targets)):
        page.keyboard.press("Tab")
        expect(links.nth(i)).to_be_focused()

    for i, target in enumerate(targets):
        page.evaluate("window.scrollTo(0, 0)")
        links.nth(i).focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(f"{re.escape(target)}$"))
        section = page.locator(target)
        expect(section).to_be_in_viewport()
        # The heading leads the section, so the visitor sees where they landed.
        expect(section.get_by_role("heading", level=2)).to_be_in_viewport()


def search_for_mlops(page):
    page.goto("/")
    search = page.get_by_label("Search careers")
    search.press_sequentially("mlops")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/careers/\?q=mlops$"))
    expect(page.get_by_role("status")).to_have_text("1 career matching “mlops”")
    cards = page.locator(".cards")
    expect(cards.get_by_role("link")).to_have_text([MLOPS])
    cards.get_by_role("link", name=MLOPS).click()
    expect(page).to_have_url(re.compile(r"/careers/mlops-engineer/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{MLOPS} Career Path")


def test_search_box_is_a_search_field(page, site):
    """Browsers and screen readers treat the search box as a search field."""
    page.goto("/")
    search = page.get_by_label("Search careers")
    assert search.evaluate("input => input.type") == "search"
    expect(page.get_by_role("searchbox", name="Search careers")).to_have_count(1)


def test_visitor_searches_from_the_home_page(page, site):
    """Typing “mlops” and pressing Enter lists the MLOps Engineer card."""
    search_for_mlops(page)


def test_search_works_without_javascript(new_context, site):
    """The search is a plain form: it works with JavaScript turned off."""
    context = new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    search_for_mlops(page)


def test_visitor_filters_the_directory_by_category(page, site):
    """Choosing a category and submitting lists only that category's careers."""
    page.goto("/careers/")
    expect(page.locator(".cards .card")).to_have_count(4)
    page.get_by_label("Category", exact=True).select_option(label=site.category)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"[?&]category={site.category_slug}(&|$)"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{site.category} careers"
    )
    expect(page.get_by_label("Category", exact=True)).to_have_value(site.category_slug)
    expect(page.locator(".cards .card h3")).to_have_text(
        ["Backend Developer", "Site Reliability Engineer"]
    )


def test_visitor_compares_two_careers(page, site):
    """From a career page, “Compare with…” leads to a table of both careers."""
    page.goto(career_url(site))
    page.get_by_role("link", name="Compare with…").click()
    expect(page).to_have_url(re.compile(rf"/compare/\?careers={site.career}$"))
    expect(page.get_by_label("Career 1", exact=True)).to_have_value(MLOPS)
    page.get_by_label("Career 2", exact=True).fill("Data Scientist")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"careers=Data\+Scientist"))
    table = page.get_by_role("table", name=re.compile(r"^Scores out of 10"))
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Factor", MLOPS, "Data Scientist"]
    )
    expect(page).to_have_title(re.compile(f"^Compare {MLOPS} vs Data Scientist"))


def test_visitor_follows_a_skill_to_the_careers_that_need_it(page, site):
    """A skill on the career page links to the skill's page, which lists MLOps."""
    page.goto(career_url(site))
    skills = page.locator("#skills")
    skills.get_by_role("link", name=site.skill_link).click()
    expect(page).to_have_url(re.compile(rf"/skills/{site.skill_slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(site.skill)
    expect(page.locator(".skill-careers h2")).to_have_text(["Data Scientist", MLOPS])
    page.get_by_role("link", name=MLOPS).click()
    expect(page).to_have_url(re.compile(rf"/careers/{site.career}/$"))
