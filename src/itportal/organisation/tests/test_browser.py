"""The organisation pages in a real browser: login, tree, add/edit with history, the htmx list,
optimistic locking across two tabs and the language switch. Every page visited is checked
with axe-core. Nothing here depends on translated label text: elements are found by id, name,
role or URL."""

import re

import pytest
from playwright.sync_api import expect

from itportal.core.browser import axe_check
from itportal.core.testing import PASSWORD
from itportal.organisation.models import OrgUnit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE = "main form[method=post] [type=submit]"


def path_of(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_it_logs_in_through_the_form(page, users):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    axe_check(page)

    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "not-the-password")
    with page.expect_navigation():
        page.click("main form [type=submit]")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("input[name=username]")).to_have_value("admin")
    axe_check(page)

    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form [type=submit]")
    assert path_of(page) == "/"
    expect(page.locator("form[action='/logout/']")).to_have_count(1)
    expect(page.locator("input[name=password]")).to_have_count(0)
    axe_check(page)


def test_it_browses_the_tree_to_a_unit(admin_page, org):
    page = admin_page
    page.goto("/org/tree/")
    axe_check(page)

    administration = org["administration"]
    it_office = org["it_office"]
    branch = page.locator(f".tree li:has(> a[href='{administration.get_absolute_url()}'])")
    details = branch.locator("> details")
    link = page.locator(f".tree a[href='{it_office.get_absolute_url()}']")
    expect(details).not_to_have_attribute("open", "")
    expect(link).to_be_hidden()

    details.locator("> summary").click()
    expect(details).to_have_attribute("open", "")
    expect(link).to_be_visible()
    axe_check(page)

    with page.expect_navigation():
        link.click()
    assert path_of(page) == it_office.get_absolute_url()
    expect(page.locator("h1")).to_contain_text(it_office.name)
    axe_check(page)


def test_it_adds_a_unit_and_shows_the_edit_in_its_history(admin_page, org):
    page = admin_page
    page.goto("/org/units/add/")
    axe_check(page)

    page.select_option("select[name=organisation]", str(org["organisation"].pk))
    page.select_option("select[name=parent]", str(org["it_office"].pk))
    page.fill("input[name=name]", "Servicedesken")
    page.select_option("select[name=kind]", "department")
    page.fill("input[name=cost_centre]", "4711")
    with page.expect_navigation():
        page.click(SAVE)

    unit = OrgUnit.objects.get(name="Servicedesken")
    assert path_of(page) == unit.get_absolute_url()
    assert unit.parent == org["it_office"] and unit.cost_centre == "4711"
    expect(page.get_by_role("status")).to_be_visible()
    axe_check(page)

    edit_url = f"{unit.get_absolute_url()}edit/"
    with page.expect_navigation():
        page.click(f"main a[href='{edit_url}']")
    assert path_of(page) == edit_url
    expect(page.locator("input[name=name]")).to_have_value("Servicedesken")
    axe_check(page)

    page.fill("input[name=name]", "Servicedesk och support")
    with page.expect_navigation():
        page.click(SAVE)
    assert path_of(page) == unit.get_absolute_url()
    change = page.locator(
        "#history tr:has(td:text-is('Servicedesken')):has(td:text-is('Servicedesk och support'))"
    )
    expect(change).to_have_count(1)
    axe_check(page)


def test_it_searches_sorts_and_chooses_columns_on_the_list(admin_page, org):
    page = admin_page
    page.goto("/org/units/")
    rows = page.locator("#object-table tbody tr")
    expect(rows).to_have_count(4)
    assert page.evaluate("typeof window.htmx") == "object"
    axe_check(page)

    # A marker on window survives only if the table is swapped in place, not reloaded.
    page.evaluate("window.__noReload = true")
    page.locator("input[name=q]").press_sequentially("kontor")
    expect(rows).to_have_count(1)
    expect(rows.locator(f"a[href='{org['it_office'].get_absolute_url()}']")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q=kontor\b"))
    assert page.evaluate("window.__noReload") is True
    axe_check(page)

    page.locator("input[name=q]").fill("")
    page.locator("input[name=q]").press_sequentially("förvaltningen")
    expect(rows).to_have_count(2)
    names = sorted(
        OrgUnit.objects.filter(name__contains="förvaltningen").values_list("name", flat=True)
    )

    # Clicking a header right after typing: the sort must win over the search box's
    # change event fired by the blur, and keep the search.
    name_header = page.locator("#object-table thead th").first
    name_header.locator("a").click()
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    expect(rows.locator("td:first-child")).to_have_text(names)
    name_header.locator("a").click()
    expect(name_header).to_have_attribute("aria-sort", "descending")
    expect(rows.locator("td:first-child")).to_have_text(names[::-1])
    expect(page).to_have_url(re.compile(r"[?&]sort=-name\b"))
    assert page.evaluate("window.__noReload") is True
    expect(page.locator("input[name=q]")).to_have_value("förvaltningen")
    axe_check(page)

    headers = page.locator("#object-table thead th")
    shown = headers.count()
    expect(page.locator("#object-table thead a[href*='sort=cost_centre']")).to_have_count(1)
    chooser = page.locator("details:has(input[name=columns])")
    chooser.locator("summary").click()
    chooser.locator("input[name=columns][value=cost_centre]").uncheck()
    with page.expect_navigation():
        chooser.locator("[type=submit]").click()
    expect(headers).to_have_count(shown - 1)
    expect(page.locator("#object-table thead a[href*='sort=cost_centre']")).to_have_count(0)
    expect(page.locator("input[name=columns][value=cost_centre]")).not_to_be_checked()
    axe_check(page)


def test_a_link_in_a_list_row_opens_the_whole_page(admin_page, org):
    # The list boosts its sorting and paging links; a row's link must load the detail page
    # itself, not be swapped into the table (which once left an empty table behind).
    page = admin_page
    page.goto("/org/units/?q=kontor")
    link = page.locator(f"#object-table tbody a[href='{org['it_office'].get_absolute_url()}']")

    with page.expect_navigation():
        link.click()

    expect(page).to_have_url(re.compile(rf"{org['it_office'].get_absolute_url()}$"))
    expect(page.locator("main h1")).to_contain_text(org["it_office"].name)
    axe_check(page)


def test_it_refuses_the_second_of_two_concurrent_edits(admin_page, new_page, org):
    unit = org["it_office"]
    edit_url = f"{unit.get_absolute_url()}edit/"
    first = admin_page
    second = new_page()
    for page in (first, second):
        page.goto(edit_url)
        expect(page.locator("input[name=name]")).to_have_value(unit.name)
        axe_check(page)

    first.fill("input[name=name]", "IT-enheten")
    with first.expect_navigation():
        first.click(SAVE)
    assert path_of(first) == unit.get_absolute_url()
    axe_check(first)

    second.fill("input[name=name]", "Digitaliseringskontoret")
    with second.expect_navigation():
        second.click(SAVE)
    assert path_of(second) == edit_url
    expect(second.get_by_role("alert")).to_be_visible()
    axe_check(second)

    unit.refresh_from_db()
    assert unit.name == "IT-enheten"
    second.goto(unit.get_absolute_url())
    expect(second.locator("h1")).to_contain_text("IT-enheten")
    axe_check(second)


def test_it_switches_the_language_from_the_header(admin_page):
    page = admin_page
    page.goto("/org/units/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe_check(page)

    for language in ("sv", "en"):
        page.select_option("select#language-select", language)
        with page.expect_navigation():
            page.click("form:has(select#language-select) [type=submit]")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("select#language-select")).to_have_value(language)
        assert path_of(page) == "/org/units/"
        axe_check(page)
