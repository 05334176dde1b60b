"""The career page at the width of the docs' screenshot, and the refresher of
that screenshot, which runs only when asked."""

import os
import struct
from pathlib import Path

import pytest

from careers.models import CareerPath

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-career-page.png"
VIEWPORT = {"width": 1280, "height": 900}


def refresher(target):
    """Skip a test that rewrites `target` in docs/ unless UPDATE_SCREENSHOT=1
    asks for it, and always in CI: CI checks the code, and never changes what
    is committed."""
    if os.environ.get("CI") == "true":
        return pytest.mark.skip(
            reason=f"CI never rewrites {target}; refresh by hand with "
            "UPDATE_SCREENSHOT=1"
        )
    return pytest.mark.skipif(
        os.environ.get("UPDATE_SCREENSHOT") != "1",
        reason=f"set UPDATE_SCREENSHOT=1 to refresh {target}",
    )


def png_size(path):
    """(width, height) from a PNG's header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_career_page_opens_with_its_title_and_summary_at_desktop_width(
    new_context, site
):
    """At 1280x900 the first screen shows the career's title and summary, and
    nothing pushes the page sideways."""
    context = new_context(viewport=VIEWPORT, color_scheme="light")
    page = context.new_page()
    response = page.goto(f"/careers/{site.career}/")
    assert response.status == 200
    title = page.get_by_role("heading", level=1)
    assert title.inner_text() == "MLOps Engineer Career Path"
    summary = page.locator("p.lead")
    assert summary.inner_text() == CareerPath.objects.get(slug=site.career).summary
    for part in (title, summary):
        box = part.bounding_box()
        assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"], (
            f"{part} ends at {box} in a {VIEWPORT['height']}px high window"
        )
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"the page is {scroll_width}px wide in a {inner_width}px window"
    )


@refresher("docs/screenshot-career-page.png")
def test_update_career_page_screenshot(new_context, site):
    """Saves the top of the MLOps Engineer page at 1280x900, in light mode."""
    context = new_context(
        viewport=VIEWPORT, device_scale_factor=1, color_scheme="light"
    )
    page = context.new_page()
    page.goto(f"/careers/{site.career}/")
    page.screenshot(path=SCREENSHOT, animations="disabled", caret="hide")
    assert png_size(SCREENSHOT) == (VIEWPORT["width"], VIEWPORT["height"])
