from django.urls import path

from itportal.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.Catalogue.as_view(), name="catalogue"),
    # Services
    path("services/", views.ServiceList.as_view(), name="service_list"),
    path("services/add/", views.ServiceCreate.as_view(), name="service_add"),
    path("services/import/", views.ServiceImport.as_view(), name="service_import"),
    path("services/<int:pk>/", views.ServiceDetail.as_view(), name="service_detail"),
    path("services/<int:pk>/edit/", views.ServiceEdit.as_view(), name="service_edit"),
    path("services/<int:pk>/delete/", views.ServiceDelete.as_view(), name="service_delete"),
    # Price lists and their prices
    path("price-lists/", views.PriceListList.as_view(), name="pricelist_list"),
    path("price-lists/add/", views.PriceListCreate.as_view(), name="pricelist_add"),
    path("price-lists/<int:pk>/", views.PriceListDetail.as_view(), name="pricelist_detail"),
    path("price-lists/<int:pk>/edit/", views.PriceListEdit.as_view(), name="pricelist_edit"),
    path("price-lists/<int:pk>/delete/", views.PriceListDelete.as_view(), name="pricelist_delete"),
    path("prices/add/", views.PriceCreate.as_view(), name="price_add"),
    path("prices/import/", views.PriceImport.as_view(), name="price_import"),
    path("prices/<int:pk>/edit/", views.PriceEdit.as_view(), name="price_edit"),
    path("prices/<int:pk>/delete/", views.PriceDelete.as_view(), name="price_delete"),
    # Subscriptions
    path("subscriptions/", views.SubscriptionList.as_view(), name="subscription_list"),
    path("subscriptions/add/", views.SubscriptionCreate.as_view(), name="subscription_add"),
    path("subscriptions/import/", views.SubscriptionImport.as_view(), name="subscription_import"),
    path(
        "subscriptions/<int:pk>/",
        views.SubscriptionDetail.as_view(),
        name="subscription_detail",
    ),
    path(
        "subscriptions/<int:pk>/edit/", views.SubscriptionEdit.as_view(), name="subscription_edit"
    ),
    path(
        "subscriptions/<int:pk>/delete/",
        views.SubscriptionDelete.as_view(),
        name="subscription_delete",
    ),
    # The IT fee
    path("it-fee/", views.ITFeeRuleList.as_view(), name="itfeerule_list"),
    path("it-fee/add/", views.ITFeeRuleCreate.as_view(), name="itfeerule_add"),
    path("it-fee/<int:pk>/edit/", views.ITFeeRuleEdit.as_view(), name="itfeerule_edit"),
    path("it-fee/<int:pk>/delete/", views.ITFeeRuleDelete.as_view(), name="itfeerule_delete"),
]
