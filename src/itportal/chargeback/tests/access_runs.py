"""Permission-table rows of the chargeback runs; merged in access_table.py.

Outcomes per role: anonymous, employee, controller, itstaff, coordinator, admin.
"""

import datetime

from itportal.core.tests.access_outcomes import API_DENIED, LOGIN

# Runs are seen by finance roles and, for their units' lines, by unit roles (the coordinator)
RUN_READ = (LOGIN, 403, 200, 200, 200, 200)
# Computing: IT staff and controllers
RUN_COMPUTE = (LOGIN, 403, 200, 200, 403, 200)
# State changes are POSTs: a GET by someone allowed gets 405
RUN_FINANCE_POST = (LOGIN, 403, 405, 405, 403, 405)  # recompute, delete
RUN_CONTROL_POST = (LOGIN, 403, 405, 403, 403, 405)  # approve, reopen, close
ADJUST = (LOGIN, 403, 200, 403, 403, 200)  # controllers and IT administrators
API_RUN_READ = (API_DENIED, 403, 200, 200, 200, 200)
API_RUN_POST = (API_DENIED, 403, 405, 405, 405, 405)

ROWS = {
    "chargeback:run_list": RUN_READ,
    "chargeback:run_compute": RUN_COMPUTE,
    "chargeback:run_detail": RUN_READ,
    "chargeback:run_lines": RUN_READ,
    "chargeback:run_export": RUN_READ,
    "chargeback:run_approve": RUN_CONTROL_POST,
    "chargeback:run_reopen": RUN_CONTROL_POST,
    "chargeback:run_close": RUN_CONTROL_POST,
    "chargeback:run_delete": RUN_FINANCE_POST,
    "chargeback:run_recompute": RUN_FINANCE_POST,
    "chargeback:adjustment_add": ADJUST,
    "chargebackrun-list": API_RUN_READ,
    "chargebackrun-detail": API_RUN_READ,
    "chargebackrun-approve": API_RUN_POST,
    "chargebackrun-reopen": API_RUN_POST,
    "chargebackrun-close": API_RUN_POST,
    "chargebackrun-recompute": API_RUN_POST,
    "chargebackline-list": API_RUN_READ,
    "chargebackline-detail": API_RUN_READ,
    "adjustment-list": API_RUN_READ,
    "adjustment-detail": API_RUN_READ,
}


def objects(org):
    """A closed run (January 2001, a year no other test data uses) with one line of the IT
    office (inside the coordinator's units) and an adjustment of it."""
    from itportal.catalogue.models import Price, PriceList, Service, Subscription
    from itportal.chargeback import services
    from itportal.chargeback.models import Adjustment, ChargebackLine, ChargebackRun

    price_list, _ = PriceList.objects.get_or_create(year=2001)
    service = Service.objects.create(
        name="Åtkomsttestets tjänst",
        code="access-run-test",
        category="workplace",
        billing_unit="device",
        owner_unit=org["it_office"],
    )
    Price.objects.create(
        price_list=price_list, service=service, valid_from=datetime.date(2001, 1, 1), amount=100
    )
    Subscription.objects.create(
        unit=org["it_office"],
        service=service,
        quantity=2,
        start=datetime.date(2001, 1, 1),
        end=datetime.date(2001, 1, 31),
    )
    run = services.compute_run(org["organisation"], "2001-01", actor="test")
    services.approve_run(run, actor="test")
    services.close_run(run, actor="test")
    line = ChargebackLine.objects.get(run=run)
    adjustment = services.create_adjustment(line, amount=-50, reason="Test", actor="test")
    return {ChargebackRun: run, ChargebackLine: line, Adjustment: adjustment}
