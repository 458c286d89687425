"""Rows of the permission-coverage table (core/tests/test_permission_coverage.py) for the
catalogue app's URLs and API routes, and one object per model whose pk its URLs take."""

from itportal.core.tests.access_outcomes import (  # noqa: F401
    API_DENIED,
    API_READ,
    LOGIN,
    PAGE_ADMIN,
    PAGE_READ,
    PAGE_STAFF_WRITE,
    PAGE_UNIT_WRITE,
    REDIRECT,
)

#   anonymous  employee  controller  itstaff  coordinator  admin
# Finance roles (IT staff and controllers): prices and the IT fee.
PAGE_FINANCE = (LOGIN, 403, 200, 200, 403, 200)
API_FINANCE = (API_DENIED, 403, 200, 200, 403, 200)
# Subscriptions: finance roles, and coordinators for their units (the row below lies in theirs).
PAGE_FINANCE_OR_UNIT = (LOGIN, 403, 200, 200, 200, 200)
API_FINANCE_OR_UNIT = (API_DENIED, 403, 200, 200, 200, 200)

ROWS = {
    # The shop window and the services: read by everybody logged in; IT staff keep them;
    # deleting: IT administrators
    "catalogue:catalogue": PAGE_READ,
    "catalogue:service_list": PAGE_READ,
    "catalogue:service_detail": PAGE_READ,
    "catalogue:service_add": PAGE_STAFF_WRITE,
    "catalogue:service_edit": PAGE_STAFF_WRITE,
    "catalogue:service_import": PAGE_STAFF_WRITE,
    "catalogue:service_delete": PAGE_ADMIN,
    # Price lists and prices: read by everybody; IT staff and controllers keep them
    "catalogue:pricelist_list": PAGE_READ,
    "catalogue:pricelist_detail": PAGE_READ,
    "catalogue:pricelist_add": PAGE_FINANCE,
    "catalogue:pricelist_edit": PAGE_FINANCE,
    "catalogue:pricelist_delete": PAGE_ADMIN,
    "catalogue:price_add": PAGE_FINANCE,
    "catalogue:price_edit": PAGE_FINANCE,
    "catalogue:price_import": PAGE_FINANCE,
    "catalogue:price_delete": PAGE_ADMIN,
    # Subscriptions: finance roles and the units' coordinators read; IT staff write
    "catalogue:subscription_list": PAGE_FINANCE_OR_UNIT,
    "catalogue:subscription_detail": PAGE_FINANCE_OR_UNIT,
    "catalogue:subscription_add": PAGE_STAFF_WRITE,
    "catalogue:subscription_edit": PAGE_STAFF_WRITE,
    "catalogue:subscription_import": PAGE_STAFF_WRITE,
    "catalogue:subscription_delete": PAGE_ADMIN,
    # The IT fee: finance roles
    "catalogue:itfeerule_list": PAGE_FINANCE,
    "catalogue:itfeerule_add": PAGE_FINANCE,
    "catalogue:itfeerule_edit": PAGE_FINANCE,
    "catalogue:itfeerule_delete": PAGE_ADMIN,
    # API (GET)
    "service-list": API_READ,
    "service-detail": API_READ,
    "pricelist-list": API_READ,
    "pricelist-detail": API_READ,
    "price-list": API_READ,
    "price-detail": API_READ,
    "subscription-list": API_FINANCE_OR_UNIT,
    "subscription-detail": API_FINANCE_OR_UNIT,
    "itfeerule-list": API_FINANCE,
    "itfeerule-detail": API_FINANCE,
}


def objects(org):
    """One row per catalogue model, the subscription inside the coordinator's units."""
    import datetime

    from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription

    service = Service.objects.create(
        name="Dator som tjänst",
        code="DST-BAS",
        category="workplace",
        owner_unit=org["it_office"],
        billing_unit="device",
    )
    price_list = PriceList.objects.create(year=2026)
    return {
        Service: service,
        PriceList: price_list,
        Price: Price.objects.create(
            price_list=price_list,
            service=service,
            valid_from=datetime.date(2026, 1, 1),
            amount=350,
        ),
        Subscription: Subscription.objects.create(
            unit=org["it_office"],
            service=service,
            quantity=3,
            start=datetime.date(2026, 1, 1),
        ),
        ITFeeRule: ITFeeRule.objects.create(
            organisation=org["organisation"],
            basis="employee",
            annual_amount=2400,
            valid_from=datetime.date(2026, 1, 1),
        ),
    }
