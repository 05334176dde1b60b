"""An editor's day in the admin, and the screenshots of docs/editing.md.

The walk signs in, edits a career, saves and previews it, compares the two
revisions in its history and opens the import page, checking each screen. It
runs as a test of its own; the refresher takes the same walk and saves one PNG
per step into docs/editing/, only when asked (UPDATE_SCREENSHOT=1) and never
in CI.
"""

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from careers.models import CareerPath
from tests.browser.test_screenshot import png_size, refresher

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "editing"
SHOT_NAMES = [
    "1-career-list",
    "2-change-page",
    "3-steps-inline",
    "4-preview",
    "5-history",
    "6-compare",
    "7-import",
]
PASSWORD = "a-long-and-unguessable-password"
VIEWPORT = {"width": 1280, "height": 900}
NEW_SUMMARY = (
    "MLOps Engineers deploy, monitor and maintain machine learning models in "
    "production."
)


def walk(page, site, shot):
    """An editor's day; `shot(name, locator=None)` is called at each step."""
    old_summary = CareerPath.objects.get(slug=site.career).summary
    get_user_model().objects.create_superuser("editor", "e@example.org", PASSWORD)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/admin/careers/careerpath/")
    expect(page.get_by_role("link", name="MLOps Engineer")).to_be_visible()
    shot("1-career-list")

    page.get_by_role("link", name="MLOps Engineer").click()
    expect(page.get_by_label("Summary:", exact=True)).to_have_value(old_summary)
    shot("2-change-page")
    steps = page.locator("#steps-group")
    expect(steps).to_be_visible()
    shot("3-steps-inline", steps)

    page.get_by_label("Summary:", exact=True).fill(NEW_SUMMARY)
    page.get_by_label("Revision comment:").fill("Shorter summary.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page).to_have_url(re.compile(rf"^http://[^/]+/careers/{site.career}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "MLOps Engineer Career Path"
    )
    expect(page.locator("p.lead")).to_have_text(NEW_SUMMARY)
    shot("4-preview")

    page.goto("/admin/careers/careerpath/")
    page.get_by_role("link", name="MLOps Engineer").click()
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history")).to_contain_text("Shorter summary.")
    shot("5-history")
    page.get_by_role("button", name="Compare").click()
    changed = page.locator("table.revision-compare tbody tr")
    # The summary, and the guide's "last updated" date, which the edit set.
    expect(changed).to_have_count(2)
    expect(changed.filter(has_text="Last updated")).to_have_count(1)
    summary_row = changed.filter(has_text="Summary")
    expect(summary_row.locator("del")).to_have_text(f"- {old_summary}")
    expect(summary_row.locator("ins")).to_have_text(f"+ {NEW_SUMMARY}")
    shot("6-compare")

    page.goto("/admin/careers/careerpath/import/")
    expect(page.locator("input[type=file]")).to_have_count(1)
    shot("7-import")


def test_an_editor_edits_previews_and_compares_a_career(new_context, site):
    """An editor signs in, shortens a summary, saves and previews the public
    page with it, finds the edit in the history with its comment, compares the
    two revisions (the summary changed, the old one removed and the new one
    added, and so did the date it was last updated) and reaches the import
    page."""
    context = new_context(viewport=VIEWPORT, color_scheme="light")
    walk(context.new_page(), site, lambda name, locator=None: None)
    assert CareerPath.objects.get(slug=site.career).summary == NEW_SUMMARY


@refresher("the screenshots in docs/editing/")
def test_update_editing_screenshots(new_context, site):
    """Saves one PNG per step of docs/editing.md."""
    SHOTS.mkdir(exist_ok=True)
    context = new_context(viewport=VIEWPORT, color_scheme="light")
    page = context.new_page()

    def shot(name, locator=None):
        target = locator or page
        target.screenshot(path=SHOTS / f"{name}.png", animations="disabled")

    walk(page, site, shot)
    assert png_size(SHOTS / "1-career-list.png") == (1280, 900)
    assert sorted(p.stem for p in SHOTS.glob("*.png")) == SHOT_NAMES
