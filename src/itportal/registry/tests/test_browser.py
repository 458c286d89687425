"""A system manager in a real browser: edits their own system, cannot edit another's, and sees
the change in the history. Every page visited gets an axe check."""

import re

import pytest
from playwright.sync_api import expect

from itportal.core.browser import axe_check
from itportal.core.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lets_a_system_manager_edit_only_their_own_system(page, register):
    diariet, ekonomi = register["diariet"], register["ekonomi"]
    page.goto("/login/")
    page.fill("input[name=username]", "systemforvaltare")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form [type=submit]")
    axe_check(page)

    page.goto(diariet.get_absolute_url())
    axe_check(page)
    edit = page.locator(f"main a[href='/registry/systems/{diariet.pk}/edit/']")
    expect(edit).to_have_count(1)
    with page.expect_navigation():
        edit.click()
    axe_check(page)
    page.fill("textarea[name=description]", "Kommunens diarium för alla nämnder")
    page.fill("input[name=last_reviewed]", "2026-11-20")
    with page.expect_navigation():
        page.click("main form[method=post] [type=submit]")
    expect(page).to_have_url(re.compile(rf"/registry/systems/{diariet.pk}/$"))
    history = page.locator("#history")
    expect(history).to_contain_text("Kommunens diarium för alla nämnder")
    expect(history).to_contain_text("systemforvaltare")
    axe_check(page)

    page.goto(ekonomi.get_absolute_url())
    expect(page.locator(f"main a[href='/registry/systems/{ekonomi.pk}/edit/']")).to_have_count(0)
    axe_check(page)
    response = page.goto(f"/registry/systems/{ekonomi.pk}/edit/")
    assert response.status == 404
    ekonomi.refresh_from_db()
    assert ekonomi.version == 1
