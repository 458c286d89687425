"""Reusable pytest fixtures and helpers for browser tests (Playwright + Chromium + axe-core).

pytest loads this module as a plugin (`-p itportal.core.browser` in pyproject.toml), so the
fixtures are defined once for the whole run (one session-wide Chromium). Mark the tests
`@pytest.mark.browser` and `@pytest.mark.django_db(transaction=True)` (so the live server
thread sees the rows the test creates), and call `axe_check(page)` on every page
a test visits. The system Chromium is used; Playwright's own browser download is never needed.
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Violations of these impacts fail a test; "minor" and "moderate" ones are only printed.
FAILING_IMPACTS = ("serious", "critical")
DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole test session.

    Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
    every ORM call made from it (fixtures, assertions) as "unsafe in an async context", so that
    check is lifted while the browser runs, and only then.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context(browser, live_server):
    """A fresh browser context (own cookies) per test, with the live server as base URL.

    The browser asks for English; tests that need another language switch it in the page.
    """
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context):
    """A page in a fresh browser context.

    JavaScript errors and static files (CSS, JS) that fail to load fail the test.
    """
    errors = []
    new_page = browser_context.new_page()
    watch_page(new_page, errors)
    yield new_page
    assert not errors, "Errors in the browser:\n" + "\n".join(errors)


def watch_page(page, errors):
    """Collect the page's JavaScript errors and failed static-file loads into `errors`."""
    from django.conf import settings

    static_url = settings.STATIC_URL

    def on_response(response):
        if static_url in response.url and response.status >= 400:
            errors.append(f"{response.status} for {response.url}")

    def on_request_failed(request):
        if static_url in request.url:
            errors.append(f"{request.failure} for {request.url}")

    page.on("pageerror", lambda error: errors.append(f"JavaScript error: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)


@pytest.fixture
def new_page(browser_context):
    """Factory for extra pages sharing the test's context (same login), e.g. two tabs."""
    errors = []

    def make():
        extra = browser_context.new_page()
        watch_page(extra, errors)
        return extra

    yield make
    assert not errors, "Errors in the browser:\n" + "\n".join(errors)


@pytest.fixture
def log_in(browser_context, live_server):
    """log_in(user): log the test's browser context in as `user`, without the login form."""

    def do(user):
        log_in_as(browser_context, user, live_server.url)

    return do


def format_violations(violations):
    """Violations from axe as readable text: rule, impact, help link and each failing node."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node.get('html', '').strip()[:300]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"       {line}" for line in summary.splitlines())
    return "\n".join(lines)


def axe_check(page, context=None, *, failing_impacts=FAILING_IMPACTS):
    """Run axe-core on the page; fail on violations of a serious or critical impact.

    Call it after the page has loaded (and after any htmx swap worth checking). Weaker
    violations are printed so they show up in the test's captured output.
    """
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page, context=context)
    violations = results.response["violations"]
    failing = [v for v in violations if v["impact"] in failing_impacts]
    other = [v for v in violations if v["impact"] not in failing_impacts]
    if other:
        print(f"axe: other accessibility findings on {page.url}:\n{format_violations(other)}")
    if failing:
        pytest.fail(
            f"axe: {len(failing)} serious/critical accessibility violation(s) on {page.url}:\n"
            + format_violations(failing),
            pytrace=False,
        )
    return results


def log_in_as(browser_context, user, base_url):
    """Log `user` in without the form: a server-side session whose cookie goes into the context.

    For tests about something else than logging in; it keeps them short and fast.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    browser_context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )
