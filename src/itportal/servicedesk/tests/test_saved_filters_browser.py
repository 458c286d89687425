"""In a real browser: the agent filters the queue (htmx swaps only the table), and the saved
filters beside it follow (hx-select-oob), so the filter saved is the one shown; then the agent
opens the saved filter from "My filters". Every page visited gets an axe check."""

import re

import pytest
from playwright.sync_api import expect

from itportal.core.browser import axe_check
from itportal.servicedesk.models import SavedFilter
from itportal.servicedesk.tests.test_views import build, open_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_saves_the_filter_shown_after_an_htmx_filter_change(page, log_in, org, users):
    desk = build(org, users)
    other = open_incident(desk["person"], users, "Inget ljud i hörlurarna")
    log_in(users["itstaff"])
    page.goto("/desk/tickets/")
    axe_check(page)

    page.get_by_role("searchbox", name="Search").fill("ljud")
    expect(page.locator("#object-table")).not_to_contain_text(desk["incident"].number)
    saved_query = page.locator("#saved-filters input[name=querystring]")
    expect(saved_query).to_have_value("q=ljud&status=open")
    # The bulk form beside it returns to the filter shown, and its labels name its own fields
    # (the filter form has fields of the same names).
    expect(page.locator("#bulk-form input[name=next]")).to_have_value(
        re.compile(r"^/desk/tickets/\?q=ljud&.*status=open")
    )
    bulk = page.locator("#bulk-form")
    expect(bulk.get_by_label("New status")).to_have_attribute("name", "status")
    expect(page.get_by_label("New status")).to_have_count(1)
    page.get_by_text("Save this filter").click()
    page.locator("#saved-filters").get_by_label("Name").fill("Ljud")
    with page.expect_navigation():
        page.get_by_role("button", name="Save filter").click()
    axe_check(page)

    assert SavedFilter.objects.get().querystring == "q=ljud&status=open"
    mine = page.get_by_role("navigation", name="My filters")
    expect(mine.get_by_role("link", name="Ljud", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.goto("/desk/tickets/?status=all")
    with page.expect_navigation():
        mine.get_by_role("link", name="Ljud", exact=True).click()
    expect(page.locator("#object-table")).to_contain_text(other.number)
    expect(page.locator("#object-table")).not_to_contain_text(desk["incident"].number)
