"""Content staff work in the admin under the strict Content-Security-Policy."""

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

PASSWORD = "a-long-and-unguessable-password"


def test_admin_works_under_the_content_security_policy(page, site):
    """Sign in, add a step with the admin's JavaScript, save: no CSP violation."""
    get_user_model().objects.create_superuser("editor", "e@example.org", PASSWORD)
    problems = []
    page.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))

    response = page.goto("/admin/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto("/admin/careers/careerpath/")
    page.get_by_role("link", name="MLOps Engineer").click()
    # "Add another" is created by the admin's inlines.js: proof scripts run.
    page.get_by_role("button", name="Add another Step", exact=True).click()
    row = page.locator("#steps-8")
    row.locator("input[name='steps-8-title']").fill("Keep learning")
    row.locator("textarea[name='steps-8-text']").fill("Read papers every week.")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The public page shows the new step at once, to an anonymous visitor.
    visitor = page.context.browser.new_page()
    visitor.goto(f"{page.url.split('/admin/')[0]}/careers/{site.career}/")
    expect(visitor.get_by_role("heading", name="Keep learning")).to_be_visible()
    visitor.close()

    # The add page's slug is filled in from the title by prepopulate.js.
    page.goto("/admin/careers/careerpath/add/")
    page.get_by_label("Title:").press_sequentially("Data Engineer")
    expect(page.get_by_label("Slug:")).to_have_value("data-engineer")

    assert [p for p in problems if "Content Security Policy" in p] == []
    assert problems == []
