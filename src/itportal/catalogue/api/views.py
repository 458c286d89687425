from itportal.api.viewsets import ServiceViewSet
from itportal.catalogue import filtersets, services
from itportal.catalogue.api import serializers as s
from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription


class CatalogueViewSet(ServiceViewSet):
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


def viewset(model, serializer, **attrs):
    return type(
        f"{model.__name__}ViewSet",
        (CatalogueViewSet,),
        {"model": model, "serializer_class": serializer, **attrs},
    )


ServiceAPIViewSet = viewset(
    Service,
    s.ServiceSerializer,
    filterset_class=filtersets.ServiceFilterSet,
    prefetch_related=("systems",),
)
PriceListViewSet = viewset(
    PriceList, s.PriceListSerializer, filterset_class=filtersets.PriceListFilterSet
)
PriceViewSet = viewset(Price, s.PriceSerializer, filterset_class=filtersets.PriceFilterSet)
SubscriptionViewSet = viewset(
    Subscription, s.SubscriptionSerializer, filterset_class=filtersets.SubscriptionFilterSet
)
ITFeeRuleViewSet = viewset(
    ITFeeRule, s.ITFeeRuleSerializer, filterset_class=filtersets.ITFeeRuleFilterSet
)
