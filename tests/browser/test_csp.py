"""The Content Security Policy holds in a real browser: should markup ever get
past the Markdown sanitiser, Chromium still refuses to run its script."""

import pytest
from django.core.management import call_command

from careers.article import rendering
from careers.models import CareerPath
from tests.conftest import MLOPS_FILE
from tests.test_security import EXPECTED_POLICY, parse_policy

# What a sanitiser failure could let through: an inline script and an inline
# event handler. Each would set a flag if it ran.
PAYLOAD = (
    "<script>window.injectedScriptRan = true;</script>"
    '<button type="button" id="injected" onclick="window.injectedHandlerRan = true">'
    "Injected</button>"
)
# Runs before the page's own parsing (through the DevTools protocol, which the
# policy does not govern), so it sees violations from the first byte on.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push({
    effectiveDirective: event.effectiveDirective,
    violatedDirective: event.violatedDirective,
    blockedURI: event.blockedURI,
    disposition: event.disposition,
    originalPolicy: event.originalPolicy,
  });
});
"""
APPEND_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.appendedScriptRan = true;";
  document.body.append(script);
}"""
FLAGS = (
    "[window.injectedScriptRan, window.injectedHandlerRan, window.appendedScriptRan]"
)


@pytest.fixture
def injected_career(transactional_db, live_server):
    """The MLOps Engineer page, its stored article carrying PAYLOAD, as if the
    sanitiser had let it through."""
    call_command("import_careers", str(MLOPS_FILE), verbosity=0)
    career = CareerPath.objects.get(slug="mlops-engineer")
    html, _data = rendering.article(career)  # rendered and stored
    CareerPath.objects.filter(pk=career.pk).update(rendered_article=PAYLOAD + html)
    return career


def violations_after(page, count):
    """The violations recorded once there are `count` of them (bounded wait)."""
    page.wait_for_function("(count) => window.cspViolations.length >= count", arg=count)
    return page.evaluate("window.cspViolations")


def test_injected_inline_script_and_handler_are_blocked(page, injected_career):
    """An inline script in the page, an inline event handler and a script
    element added later all stay unrun, each reported as a violation of the
    directive that governs it: script-src-elem or script-src-attr, which the
    policy leaves to default-src 'self'."""
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(injected_career.get_absolute_url())
    assert response.status == 200
    assert PAYLOAD in page.content()  # the markup really is in the page
    policy = response.header_value("content-security-policy")
    assert parse_policy(policy) == EXPECTED_POLICY

    def violation(directive):
        return {
            "effectiveDirective": directive,
            "violatedDirective": directive,
            "blockedURI": "inline",
            "disposition": "enforce",
            "originalPolicy": policy,
        }

    page.click("#injected")
    page.evaluate(APPEND_INLINE_SCRIPT)
    assert page.evaluate(FLAGS) == [None, None, None]  # nothing ran
    # The handler is refused as the page is parsed, not when clicked.
    assert violations_after(page, 3) == [
        violation("script-src-elem"),
        violation("script-src-attr"),
        violation("script-src-elem"),
    ]
