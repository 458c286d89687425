"""Reads of the catalogue that are more than a filter: the shop window, prices on a day, price
histories and subscription summaries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum

from itportal.catalogue.choices import Category, ServiceStatus
from itportal.catalogue.models import Price, Service

# What the catalogue page shows: services delivered now, those on their way out, and those
# coming (marked as such). Retired services are gone from the shop window.
SHOWN_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.RETIRING, ServiceStatus.PLANNED)


def valid_on_q(day, prefix=""):
    """Q for prices that apply on `day` (an open end runs to the end of the price list's year)."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__gte": day})
        | Q(**{f"{prefix}valid_to__isnull": True, f"{prefix}price_list__year": day.year})
    )


def ends_on_or_after_q(day):
    return Q(valid_to__gte=day) | Q(valid_to__isnull=True, price_list__year__gte=day.year)


def price_on(day):
    """A subquery giving a service's price on `day` (annotate a Service queryset with it)."""
    prices = Price.objects.filter(valid_on_q(day), service=OuterRef("pk")).order_by("-valid_from")
    return Subquery(prices.values("amount")[:1], output_field=Price._meta.get_field("amount"))


@dataclass
class ShopItem:
    service: Service
    price: Price | None = None  # valid today
    next_price: Price | None = None  # the next change after today, if entered


@dataclass
class Section:
    code: str
    label: str
    items: list = field(default_factory=list)


def shop_window(services, day, *, category="", query=""):
    """The catalogue's sections (one per category, in the categories' order) with each
    service's price today and its next price change. A fixed number of queries."""
    services = services.filter(status__in=SHOWN_STATUSES)
    if category:
        services = services.filter(category=category)
    for word in query.split()[:8]:
        services = services.filter(
            Q(name__icontains=word)
            | Q(code__icontains=word)
            | Q(summary__icontains=word)
            | Q(included__icontains=word)
        )
    prices = (
        Price.objects.filter(ends_on_or_after_q(day))
        .select_related("price_list")
        .order_by("valid_from")
    )
    services = (
        services.select_related("owner", "owner_unit")
        .prefetch_related(
            Prefetch("prices", queryset=prices, to_attr="coming_prices"),
            "systems",
        )
        .order_by("name")
    )
    sections = {code: Section(code, label) for code, label in Category.choices}
    for service in services:
        item = ShopItem(service)
        for price in service.coming_prices:
            if price.valid_from <= day:
                item.price = price
            elif item.next_price is None:
                item.next_price = price
        sections[service.category].items.append(item)
    return [s for s in sections.values() if s.items]


def price_history(service):
    """Every price of the service across the price lists, newest first."""
    return service.prices.select_related("price_list").order_by("-valid_from")


def prices_by_service(price_list):
    """[(service, [price, …])] of one price list, services by name, periods in date order."""
    grouped = {}
    prices = price_list.prices.select_related("service").order_by("service__name", "valid_from")
    for price in prices:
        grouped.setdefault(price.service, []).append(price)
    return list(grouped.items())


@dataclass
class SubscriptionSummary:
    subscriptions: int
    active: int
    quantity: Decimal
    units: int


def subscription_summary(subscriptions, day):
    """How many subscriptions there are, how many run on `day`, with what quantity, for how
    many units (one query)."""
    active = Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))
    figures = subscriptions.aggregate(
        subscriptions=Count("pk"),
        active=Count("pk", filter=active),
        quantity=Sum("quantity", filter=active),
        units=Count("unit", filter=active, distinct=True),
    )
    return SubscriptionSummary(
        subscriptions=figures["subscriptions"],
        active=figures["active"],
        quantity=figures["quantity"] or Decimal(0),
        units=figures["units"],
    )
