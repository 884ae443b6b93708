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


# --- coder tools (issue 16) ---------------------------------------------------------------


def test_build_0dtj4zz_in_table_0dt(page: playwright_api.Page, server: str) -> None:
    page.goto(server + "/pcs/0DT")
    for label in ("Appendix", "Percutaneous Endoscopic", "No Device", "No Qualifier"):
        page.get_by_role("link", name=label, exact=True).first.click()
        playwright_api.expect(page.locator(".picked").last).to_contain_text(label)
    built = page.locator("#builder")
    playwright_api.expect(built.locator(".built")).to_contain_text("0DTJ4ZZ")
    built.get_by_role("link", name="Open 0DTJ4ZZ").click()
    page.wait_for_url("**/code/ICD10PCS/0DTJ4ZZ")
    playwright_api.expect(page.locator("h1")).to_contain_text("0DTJ4ZZ")
    assert page.errors == []  # type: ignore[attr-defined]


def test_drug_table_filter_to_the_self_harm_code(page: playwright_api.Page, server: str) -> None:
    page.goto(server + "/tables/drugs")
    box = page.get_by_label("Filter rows")
    box.click()
    box.press_sequentially("acetaminophen", delay=20)
    row = page.locator("#rows tr", has_text="Acetaminophen").first
    playwright_api.expect(row).to_be_visible(timeout=10_000)
    page.wait_for_url("**/tables/drugs?q=acetaminophen")  # the filter is in the address
    header = page.locator("#rows thead th").nth(2)
    playwright_api.expect(header).to_have_text("Poisoning Intentional self-harm")
    row.locator("td").nth(1).get_by_role("link").click()
    page.wait_for_url("**/code/ICD10CM/T39.1X2")
    builder = page.locator("section.code-builder")
    playwright_api.expect(builder.get_by_role("link", name="T39.1X2A")).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_s72_001_builder_offers_s72_001a(page: playwright_api.Page, server: str) -> None:
    page.goto(server + "/code/ICD10CM/S72.001")
    builder = page.locator("section.code-builder")
    playwright_api.expect(builder.get_by_role("heading")).to_have_text("Build the full code")
    builder.get_by_role("link", name="S72.001A").click()
    page.wait_for_url("**/code/ICD10CM/S72.001A")
    playwright_api.expect(page.locator("h1")).to_contain_text("S72.001A")


def test_book_filter_works_without_javascript(browser: playwright_api.Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/tables/neoplasms")
    tab.get_by_label("Filter rows").fill("breast")
    tab.get_by_role("button", name="Filter").click()
    tab.wait_for_url("**/tables/neoplasms?q=breast")
    playwright_api.expect(tab.locator("#rows tr", has_text="breast").first).to_contain_text(
        "C79.81"
    )
    tab.goto(server + "/pcs/0DT")
    tab.get_by_role("link", name="Appendix", exact=True).first.click()
    playwright_api.expect(tab.locator(".built")).to_contain_text("0DTJ")
    context.close()


def test_code_page_reads_as_text_and_cites_its_sources(
    page: playwright_api.Page, server: str
) -> None:
    """Body text in a proportional font, monospace only for code numbers (the page once
    rendered in bold monospace: `<article class="code">` took the code-number style); J9039's
    indications quoted from NCI with a source badge and date."""
    page.goto(server + "/code/HCPCS/J9039")
    style = page.evaluate(
        "(s) => { const e = document.querySelector(s); const c = getComputedStyle(e);"
        " return [c.fontFamily, c.fontWeight]; }",
        "article .explainer blockquote p",
    )
    assert "monospace" not in style[0] and style[1] in ("400", "normal")
    number = page.evaluate("getComputedStyle(document.querySelector('h1 .code')).fontFamily")
    assert "monospace" in number
    indications = page.locator("[data-section=indications]")
    playwright_api.expect(indications).to_contain_text("CD19 positive")
    badge = indications.locator("a.source-badge")
    playwright_api.expect(badge).to_have_text("NCI · 2025-12-30")
    assert badge.get_attribute("href") == (
        "https://www.cancer.gov/about-cancer/treatment/drugs/blinatumomab"
    )
    approved = page.get_by_role("heading", name="Conditions it is approved to treat")
    playwright_api.expect(approved).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]
