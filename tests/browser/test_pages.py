"""Every visitor page, at phone and desktop widths: accessible, contained, quiet."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import TIMEOUT

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    # Passes and inapplicable rules are not read; leaving them out halves the run.
    "resultTypes": ["violations"],
}
NARROWEST = {"width": 320, "height": 640}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = {"375": PHONE, "1280": DESKTOP}

# Page name: (path template filled from the `site` fixture, expected status).
PAGES = {
    "home": ("/", 200),
    "directory": ("/careers/", 200),
    "career": ("/careers/{site.career}/", 200),
    # Three careers: the widest comparison there is.
    "compare": (
        "/compare/?careers={site.career},{site.other},backend-developer",
        200,
    ),
    "skills": ("/skills/", 200),
    "skill": ("/skills/{site.skill_slug}/", 200),
    "404": ("/careers/no-such-career/", 404),
}
# Chromium logs the 404 status of the page itself as a console error.
NOT_FOUND_LOG = "Failed to load resource: the server responded with a status of 404"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass
class Recorder:
    """What a tab did: console errors, uncaught exceptions, requested URLs."""

    errors: list = field(default_factory=list)
    urls: list = field(default_factory=list)

    def on_console(self, message):
        if message.type == "error":
            self.errors.append((message.text, message.location.get("url", "")))

    def on_pageerror(self, error):
        self.errors.append((f"Uncaught {error}", ""))

    def on_request(self, request):
        self.urls.append(request.url)

    def listeners(self):
        return {
            "console": self.on_console,
            "pageerror": self.on_pageerror,
            "request": self.on_request,
        }

    def external_requests(self):
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme != "data"
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture(scope="module")
def shared_page(browser, browser_context_args):
    # Opening a browser context costs more than the page view it serves; these
    # tests only read pages, so one tab serves them all.
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(TIMEOUT)
    yield context.new_page()
    context.close()


@pytest.fixture
def tab(shared_page, site):
    """The shared tab in light mode, with `site`'s data in the database."""
    shared_page.emulate_media(color_scheme="light")
    return shared_page


@pytest.fixture
def recorder(tab):
    """Records what the tab logs and requests during one test."""
    recorder = Recorder()
    for event, listener in recorder.listeners().items():
        tab.on(event, listener)
    yield recorder
    for event, listener in recorder.listeners().items():
        tab.remove_listener(event, listener)


def visit(page, site, name, viewport):
    """Open page `name` at `viewport` and check it answered as expected."""
    path, status = PAGES[name]
    page.set_viewport_size(viewport)
    response = page.goto(path.format(site=site))
    assert response.status == status, f"{name}: HTTP {response.status}"
    return page


def describe(violations):
    """Each axe violation with its help text and the nodes it was found on."""
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " >> ".join(map(str, node["target"]))
            lines.append(f"    {target}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert results.violations_count == 0, describe(violations)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_accessibility_violations(tab, site, name, width):
    """axe-core finds no WCAG 2.2 A/AA violation."""
    visit(tab, site, name, WIDTHS[width])
    assert_accessible(tab)


def test_career_page_in_dark_mode_has_no_accessibility_violations(tab, site):
    """The dark colour scheme keeps every contrast ratio on the career page."""
    tab.emulate_media(color_scheme="dark")
    visit(tab, site, "career", DESKTOP)
    assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert_accessible(tab)


@pytest.mark.parametrize("viewport", [NARROWEST, PHONE], ids=["320", "375"])
@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scrolling_on_a_phone(tab, site, name, viewport):
    """At 320 and 375px wide nothing pushes the page sideways."""
    visit(tab, site, name, viewport)
    scroll_width, inner_width = tab.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{name}: the page is {scroll_width}px wide in a {inner_width}px window"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_console_errors(tab, recorder, site, name, width):
    """Nothing is logged as an error and no script throws."""
    visit(tab, site, name, WIDTHS[width])
    errors = recorder.errors
    if name == "404":
        errors = [
            (text, url)
            for text, url in errors
            if not (text.startswith(NOT_FOUND_LOG) and url == tab.url)
        ]
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_machine(tab, recorder, site, name, width):
    """Every stylesheet, script, font and image comes from the site itself."""
    visit(tab, site, name, WIDTHS[width])
    assert recorder.urls, "no request was recorded"
    assert recorder.external_requests() == []


def test_site_has_an_icon(tab, site):
    """Browsers find an icon, so none logs a 404 for /favicon.ico."""
    visit(tab, site, "home", DESKTOP)
    icon = tab.locator("head link[rel~=icon]")
    assert icon.count() == 1
    assert tab.request.get(icon.get_attribute("href")).ok
