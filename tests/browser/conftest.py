"""Real Chromium through Playwright, against pytest-django's live server, with axe-core checks."""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls under it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("TILMELD_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server, transactional_db, request):
    """Opens a fresh browser context at a viewport; a full-page screenshot is saved at the end."""
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    contexts = []

    def _open(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append(context)
        return context.new_page()

    yield _open
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, context in enumerate(contexts):
        suffix = f"-{number + 1}" if number else ""
        for page in context.pages:
            page.screenshot(path=ARTIFACTS / f"{name}{suffix}.png", full_page=True)
        context.close()


@pytest.fixture
def page(open_page):
    return open_page(DESKTOP)


@pytest.fixture
def phone_page(open_page):
    return open_page(PHONE)


@pytest.fixture
def axe():
    """Asserts that axe-core finds no WCAG 2.0/2.1 A or AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def _check(page):
        options = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}
        violations = checker.run(page, options=options).response["violations"]
        report = [
            f"{v['id']}: {v['help']} ({v['helpUrl']})\n"
            + "\n".join(f"    {', '.join(map(str, node['target']))}" for node in v["nodes"])
            for v in violations
        ]
        if violations:
            pytest.fail(f"axe found violations on {page.url}:\n" + "\n".join(report), pytrace=False)

    return _check
