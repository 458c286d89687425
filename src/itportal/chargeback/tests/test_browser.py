"""In a real browser: an employee reads the catalogue; a controller computes, approves and closes
a month's run, drills down to a unit's lines, and reads the simulation and the cost KPIs. Every
page visited gets an axe check."""

import re

import pytest
from playwright.sync_api import expect

from itportal.chargeback.models import ChargebackRun, RunState
from itportal.chargeback.tests.runs_testing import build_billing
from itportal.core.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employee_reads_the_catalogue_with_prices(page, log_in, org, users):
    build_billing(org)
    log_in(users["employee"])

    page.goto("/services/")

    main = page.locator("main")
    expect(main).to_contain_text("Dator som tjänst")
    expect(main).to_contain_text("450.00")
    axe_check(page)
    # subscriptions and runs are not the employee's
    assert page.goto("/services/subscriptions/").status == 403
    assert page.goto("/chargeback/runs/").status == 403


def test_a_controller_computes_approves_and_closes_a_run(page, log_in, org, users):
    build_billing(org)
    log_in(users["controller"])

    page.goto("/chargeback/runs/compute/")
    axe_check(page)
    page.select_option("select[name=organisation]", str(org["organisation"].pk))
    page.fill("input[name=period]", "2026-11")
    with page.expect_navigation():
        page.click("main form[method=post] [type=submit]")
    run = ChargebackRun.objects.get(organisation=org["organisation"])
    expect(page).to_have_url(re.compile(rf"/chargeback/runs/{run.pk}/$"))
    # 3 DST × 450 + server 1 000 + 7.5 h × 850 + 2 DST × 450 + fee 12 × 500 = 15 625,00
    # (shown the English way: the tests run in English)
    expect(page.locator("main")).to_contain_text("15,625.00")
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Approve").click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Close").click()
    run.refresh_from_db()
    assert run.state == RunState.CLOSED
    expect(page.get_by_role("button", name="Recompute")).to_have_count(0)
    axe_check(page)

    page.goto(f"/chargeback/runs/{run.pk}/lines/?unit={org['school'].pk}")
    expect(page.locator("main")).to_contain_text("Utbildningsförvaltningen")
    axe_check(page)

    page.goto(f"/chargeback/simulation/?organisation={org['organisation'].pk}&year=2026")
    expect(page.locator("main")).to_contain_text("Utbildningsförvaltningen")
    axe_check(page)
    page.goto(f"/chargeback/kpis/?organisation={org['organisation'].pk}")
    expect(page.locator("main svg[role=img]").first).to_be_visible()
    axe_check(page)
