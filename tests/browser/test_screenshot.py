"""The career page screenshot shown in the docs, refreshed on request."""

import os
from pathlib import Path

import pytest

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-career-page.png"


@pytest.mark.skipif(
    os.environ.get("UPDATE_SCREENSHOT") != "1",
    reason="set UPDATE_SCREENSHOT=1 to refresh docs/screenshot-career-page.png",
)
def test_update_career_page_screenshot(new_context, site):
    """Saves the top of the MLOps Engineer page at 1280x900, in light mode."""
    context = new_context(
        viewport={"width": 1280, "height": 900},
        device_scale_factor=1,
        color_scheme="light",
    )
    page = context.new_page()
    page.goto(f"/careers/{site.career}/")
    page.screenshot(path=SCREENSHOT, animations="disabled", caret="hide")
    assert SCREENSHOT.stat().st_size > 0
