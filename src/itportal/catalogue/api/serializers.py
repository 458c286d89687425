from itportal.api.viewsets import VersionedSerializer
from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription

BASE = ("id", "url", "version", "created", "updated")
READ_ONLY = ("created", "updated")


def serializer_for(model_class, field_names, read_only=READ_ONLY):
    meta = type(
        "Meta",
        (),
        {"model": model_class, "fields": (*BASE, *field_names), "read_only_fields": read_only},
    )
    return type(f"{model_class.__name__}Serializer", (VersionedSerializer,), {"Meta": meta})


ServiceSerializer = serializer_for(
    Service,
    (
        "name",
        "code",
        "category",
        "summary",
        "included",
        "excluded",
        "owner",
        "owner_unit",
        "billing_unit",
        "cost_kind",
        "systems",
        "orderable",
        "status",
        "vat_rate",
        "cost_account",
        "revenue_account",
    ),
)
PriceListSerializer = serializer_for(PriceList, ("year", "note"))
PriceSerializer = serializer_for(
    Price, ("price_list", "service", "valid_from", "valid_to", "amount")
)
SubscriptionSerializer = serializer_for(
    Subscription,
    (
        "unit",
        "service",
        "quantity",
        "start",
        "end",
        "identifiers",
        "reference",
        "note",
        "source",
    ),
)
ITFeeRuleSerializer = serializer_for(
    ITFeeRule,
    (
        "organisation",
        "basis",
        "annual_amount",
        "valid_from",
        "valid_to",
        "vat_rate",
        "description",
        "cost_account",
        "revenue_account",
    ),
)
