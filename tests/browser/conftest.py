"""Browser tests: the real app served on 127.0.0.1 in a thread, driven by Debian's Chromium
through Playwright, on a phone-sized screen. Chromium is kept off the network."""
import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
AXE_JS = os.path.join(os.path.dirname(__file__), "..", "..", "node_modules", "axe-core", "axe.min.js")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
                    "(apt-get install chromium) or set CHROMIUM_PATH")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, playwright):
    phone = playwright.devices["iPhone 13"]
    return {**browser_context_args, **phone,
            "viewport": {"width": 390, "height": 844}, "screen": {"width": 390, "height": 844}}


@pytest.fixture
def phone(browser, browser_context_args):
    """A phone whose pages the axe audit may be injected into (past the strict CSP)."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe_violations():
    """Run axe-core's WCAG 2.1 A/AA and best-practice rules on the page, or only on the part
    a CSS selector names (the part a feature draws); returns the violations."""
    if not os.path.exists(AXE_JS):
        pytest.fail("axe-core is missing: run `npm install` (make test does it)")

    def _run(page, selector=None):
        page.add_script_tag(path=AXE_JS)
        return page.evaluate("""async (selector) => (await axe.run(selector || document, {
            runOnly: {type: 'tag',
                      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""",
            selector)
    return _run
