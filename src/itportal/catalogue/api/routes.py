"""The catalogue app's API routes, registered on the portal's router by api/urls.py."""

from itportal.catalogue.api import views


def register(router):
    router.register("services", views.ServiceAPIViewSet, basename="service")
    router.register("price-lists", views.PriceListViewSet, basename="pricelist")
    router.register("prices", views.PriceViewSet, basename="price")
    router.register("subscriptions", views.SubscriptionViewSet, basename="subscription")
    router.register("it-fee-rules", views.ITFeeRuleViewSet, basename="itfeerule")
