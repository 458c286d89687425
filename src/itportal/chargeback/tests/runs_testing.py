"""Data for the run tests (test_runs, test_exports, test_closed, test_commands): a priced
catalogue, subscriptions of the municipality's units and of a company, and an IT fee."""

import datetime
from decimal import Decimal

from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription
from itportal.core.testing import OrganisationFactory, OrgUnitFactory

D = datetime.date


def build_billing(org):
    """November 2026: DST 450/device, a server at 1 000/month, a consultant hour at 850.

    Municipality: Stadsledningsförvaltningen 3 DST; IT-kontoret (below it) 1 server and 7.5
    hours; Utbildningsförvaltningen 2 DST and the IT fee (12 employees × 6 000 / 12).
    Company Norrsjö Energi AB: Elnät 2 DST at 25 % VAT.
    """
    price_list = PriceList.objects.create(year=2026)
    it = org["it_office"]
    dst = Service.objects.create(
        name="Dator som tjänst",
        code="DST",
        category="workplace",
        billing_unit="device",
        owner_unit=it,
    )
    server = Service.objects.create(
        name="Servertjänst",
        code="SRV",
        category="infrastructure",
        billing_unit="month",
        owner_unit=it,
        cost_account="6550",
        revenue_account="3595",
    )
    hours = Service.objects.create(
        name="Konsulttimme",
        code="KONS",
        category="support",
        billing_unit="hour",
        owner_unit=it,
    )
    for service, amount in ((dst, 450), (server, 1000), (hours, 850)):
        Price.objects.create(
            price_list=price_list, service=service, valid_from=D(2026, 1, 1), amount=amount
        )
    start = D(2026, 1, 1)
    Subscription.objects.create(unit=org["administration"], service=dst, quantity=3, start=start)
    Subscription.objects.create(unit=it, service=server, quantity=1, start=start)
    Subscription.objects.create(
        unit=it, service=hours, quantity=Decimal("7.5"), start=D(2026, 11, 3)
    )
    Subscription.objects.create(unit=org["school"], service=dst, quantity=2, start=start)
    org["school"].headcount = 12
    org["school"].save()
    ITFeeRule.objects.create(
        organisation=org["organisation"], basis="employee", annual_amount=6000, valid_from=start
    )
    company = OrganisationFactory(name="Norrsjö Energi AB", kind="company")
    grid = OrgUnitFactory(
        organisation=company, name="Elnät", kind="department", headcount=0, cost_centre="E100"
    )
    Subscription.objects.create(unit=grid, service=dst, quantity=2, start=start)
    return {
        "price_list": price_list,
        "dst": dst,
        "server": server,
        "hours": hours,
        "company": company,
        "grid": grid,
    }


# The municipality's November 2026, by hand:
#   Stadsledningsförvaltningen: 3 × 450 = 1 350.00
#   IT-kontoret: server 1 000.00 + 7.5 h × 850 = 6 375.00
#   Utbildningsförvaltningen: 2 × 450 = 900.00 + IT fee 12 × 500 = 6 000.00
MUNICIPALITY_TOTAL = Decimal("15625.00")
# Stadsledningsförvaltningen's subtree (the coordinator's units): 1 350 + 1 000 + 6 375
COORDINATOR_TOTAL = Decimal("8725.00")
# The company: 2 × 450 = 900.00 + 25 % VAT 225.00
COMPANY_AMOUNT, COMPANY_VAT = Decimal("900.00"), Decimal("225.00")
