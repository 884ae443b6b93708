"""A real browser (Debian chromium via Playwright) against a real uvicorn server (fixtures
`browser` and `page` in conftest.py)."""

from __future__ import annotations

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")


def test_instant_search_and_keyboard(page: playwright_api.Page, server: str) -> None:
    page.goto(server + "/")
    box = page.get_by_label("Code or words")
    box.click()
    box.press_sequentially("blincyto", delay=30)
    first = page.locator("#results a.hit").first
    playwright_api.expect(first).to_contain_text("J9039", timeout=10_000)
    box.press("ArrowDown")
    playwright_api.expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/code/HCPCS/J9039")
    playwright_api.expect(page.locator("h1")).to_contain_text("J9039")
    for heading in ("Official data", "History", "Sources"):
        playwright_api.expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_search_works_without_javascript(browser: playwright_api.Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/")
    tab.get_by_label("Code or words").fill("e11.9")
    tab.get_by_role("button", name="Search").click()
    tab.wait_for_url("**/search?q=e11.9")
    playwright_api.expect(tab.locator("a.hit").first).to_contain_text("E11.9")
    context.close()
