"""The admin screenshots in docs/editing.md, taken on request.

A walk through an editor's day, which also checks each screen works:
sign in, edit a career, save and preview, history and compare, import.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "editing"
PASSWORD = "a-long-and-unguessable-password"


@pytest.mark.skipif(
    os.environ.get("UPDATE_SCREENSHOT") != "1",
    reason="set UPDATE_SCREENSHOT=1 to refresh the screenshots in docs/editing/",
)
def test_update_editing_screenshots(new_context, site):
    """Saves one PNG per step of docs/editing.md."""
    SHOTS.mkdir(exist_ok=True)
    get_user_model().objects.create_superuser("editor", "e@example.org", PASSWORD)
    context = new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page = context.new_page()

    def shot(name, locator=None):
        target = locator or page
        target.screenshot(path=SHOTS / f"{name}.png", animations="disabled")

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/admin/careers/careerpath/")
    shot("1-career-list")

    page.get_by_role("link", name="MLOps Engineer").click()
    shot("2-change-page")
    shot("3-steps-inline", page.locator("#steps-group"))

    page.get_by_label("Summary:", exact=True).fill(
        "MLOps Engineers deploy, monitor and maintain machine learning models in "
        "production."
    )
    page.get_by_label("Revision comment:").fill("Shorter summary.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MLOps Engineer")
    shot("4-preview")

    page.goto("/admin/careers/careerpath/")
    page.get_by_role("link", name="MLOps Engineer").click()
    page.get_by_role("link", name="History").click()
    shot("5-history")
    page.get_by_role("button", name="Compare").click()
    shot("6-compare")

    page.goto("/admin/careers/careerpath/import/")
    shot("7-import")
    assert len(list(SHOTS.glob("*.png"))) >= 7
