"""Pages of the IT service catalogue: the shop window, services, price lists and prices,
subscriptions and IT fee rules. Thin views on core's generic views; writes go through
catalogue.services."""

from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itportal.catalogue import filtersets as filters
from itportal.catalogue import forms, selectors, services, tables
from itportal.catalogue.choices import Category
from itportal.catalogue.importers import PriceImporter, ServiceImporter, SubscriptionImporter
from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription
from itportal.core.access import ModelAction
from itportal.core.import_views import ImportView
from itportal.core.permissions import can, holds_globally
from itportal.core.views import (
    ObjectCreateView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PortalView,
)

CRUD = {
    "create_service": staticmethod(services.record_create),
    "update_service": staticmethod(services.record_update),
}


def crud_views(model, form_class, **extra):
    """Create, edit and delete views for a model written through the catalogue's services."""
    attrs = {"model": model, "form_class": form_class, **CRUD}
    create = type(f"{model.__name__}Create", (ObjectCreateView,), dict(attrs, **extra))
    edit = type(f"{model.__name__}Edit", (ObjectEditView,), dict(attrs, **extra))
    delete = type(
        f"{model.__name__}Delete",
        (ObjectDeleteView,),
        {
            "model": model,
            "delete_service": staticmethod(services.record_delete),
            **extra.get("delete_attrs", {}),
        },
    )
    return create, edit, delete


CATALOGUE_IMPORTS = (
    ("catalogue:service_import", _("Import IT services")),
    ("catalogue:price_import", _("Import prices")),
    ("catalogue:subscription_import", _("Import subscriptions")),
)


# --- The shop window -------------------------------------------------------------------------
class Catalogue(PortalView):
    """Every service delivered now (or soon), by category, with today's price: what a person
    reads before ordering."""

    access_rule = ModelAction(Service, "view")
    template_name = "catalogue/catalogue.html"

    def get(self, request):
        today = timezone.localdate()
        query = request.GET.get("q", "").strip()[:200]
        category = request.GET.get("category", "")
        if category not in Category.values:
            category = ""
        sections = selectors.shop_window(
            Service.objects.restrict(request.user, "view"), today, category=category, query=query
        )
        context = {
            "sections": sections,
            "count": sum(len(s.items) for s in sections),
            "today": today,
            "query": query,
            "category": category,
            "categories": Category.choices,
            "filtered": bool(query or category),
        }
        return TemplateResponse(request, self.template_name, context)


# --- Services --------------------------------------------------------------------------------
class ServiceList(ObjectListView):
    model = Service
    table_class = tables.ServiceTable
    filterset_class = filters.ServiceFilterSet
    importer = ServiceImporter

    def get_queryset(self):
        today = timezone.localdate()
        return (
            super()
            .get_queryset()
            .select_related("owner_unit", "owner")
            .annotate(price_today=selectors.price_on(today))
        )

    def extra_links(self):
        return [(reverse("catalogue:catalogue"), _("Catalogue page"))]


class ServiceDetail(ObjectDetailView):
    model = Service
    template_name = "catalogue/service_detail.html"
    select_related = ("owner", "owner_unit")
    detail_fields = (
        "code",
        "category",
        "status",
        "billing_unit",
        "cost_kind",
        "orderable",
        "owner",
        "owner_unit",
        "vat_rate",
        "cost_account",
        "revenue_account",
    )

    def get_extra_context(self, obj):
        user = self.request.user
        today = timezone.localdate()
        prices = list(selectors.price_history(obj))
        current = next(
            (p for p in prices if p.valid_from <= today and p.end >= today),
            None,
        )
        context = {
            "prices": prices,
            "current_price": current,
            "systems": obj.systems.select_related("owning_unit").order_by("name"),
            "today": today,
            "can_add_price": can(user, Price, "add"),
        }
        if can(user, Subscription, "view"):
            subscriptions = Subscription.objects.restrict(user, "view").filter(service=obj)
            context["summary"] = selectors.subscription_summary(subscriptions, today)
            context["summary_scoped"] = not holds_globally(user, Subscription, "view")
            context["subscriptions_url"] = (
                reverse("catalogue:subscription_list") + f"?service={obj.pk}"
            )
        return context


ServiceCreate, ServiceEdit, ServiceDelete = crud_views(Service, forms.ServiceForm)


# --- Price lists and prices ------------------------------------------------------------------
class PriceListList(ObjectListView):
    model = PriceList
    table_class = tables.PriceListTable
    filterset_class = filters.PriceListFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(price_count=Count("prices"))

    def extra_links(self):
        if can(self.request.user, Price, "import"):
            return [(reverse("catalogue:price_import"), _("Import prices"))]
        return []


class PriceListDetail(ObjectDetailView):
    model = PriceList
    template_name = "catalogue/pricelist_detail.html"
    detail_fields = ("year", "note")

    def get_extra_context(self, obj):
        user = self.request.user
        return {
            "by_service": selectors.prices_by_service(obj),
            "can_add_price": can(user, Price, "add"),
            "can_change_price": can(user, Price, "change"),
            "can_delete_price": can(user, Price, "delete"),
            "price_add_url": reverse("catalogue:price_add") + f"?price_list={obj.pk}",
        }


PriceListCreate, PriceListEdit, PriceListDelete = crud_views(PriceList, forms.PriceListForm)


def _back_to_price_list(self, obj):
    return reverse("catalogue:pricelist_detail", args=[obj.price_list_id])


def _price_list_url(self):
    return reverse("catalogue:pricelist_list")


PriceCreate, PriceEdit, PriceDelete = crud_views(
    Price,
    forms.PriceForm,
    list_url=_price_list_url,
    delete_attrs={"success_url": _back_to_price_list, "list_url": _price_list_url},
)


# --- Subscriptions ---------------------------------------------------------------------------
class SubscriptionList(ObjectListView):
    model = Subscription
    table_class = tables.SubscriptionTable
    filterset_class = filters.SubscriptionFilterSet
    importer = SubscriptionImporter

    def get_queryset(self):
        return super().get_queryset().select_related("unit__organisation", "service")


class SubscriptionDetail(ObjectDetailView):
    model = Subscription
    template_name = "catalogue/subscription_detail.html"
    select_related = ("unit__organisation", "service")
    detail_fields = ("unit", "service", "quantity", "start", "end", "reference", "note", "source")

    def get_extra_context(self, obj):
        today = timezone.localdate()
        price = Price.objects.filter(selectors.valid_on_q(today), service=obj.service_id).first()
        recurring = obj.service.is_recurring
        return {
            "identifier_list": obj.identifier_list,
            "price_today": price,
            "monthly_today": price.amount * obj.quantity if price and recurring else None,
            "cost_centre": obj.unit.cost_centre,
            "organisation": obj.unit.organisation,
        }


SubscriptionCreate, SubscriptionEdit, SubscriptionDelete = crud_views(
    Subscription, forms.SubscriptionForm
)


# --- IT fee rules ----------------------------------------------------------------------------
class ITFeeRuleList(ObjectListView):
    model = ITFeeRule
    table_class = tables.ITFeeRuleTable
    filterset_class = filters.ITFeeRuleFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")


ITFeeRuleCreate, _ITFeeRuleEdit, ITFeeRuleDelete = crud_views(ITFeeRule, forms.ITFeeRuleForm)


class ITFeeRuleEdit(_ITFeeRuleEdit):
    """IT fee rules have no page of their own: the edit page offers the delete."""

    template_name = "catalogue/itfeerule_edit.html"

    def base_context(self, **extra):
        context = super().base_context(**extra)
        obj = extra.get("object")
        context["can_delete"] = obj is not None and can(self.request.user, ITFeeRule, "delete", obj)
        return context


# --- Imports ---------------------------------------------------------------------------------
class CatalogueImport(ImportView):
    related_imports = CATALOGUE_IMPORTS


class ServiceImport(CatalogueImport):
    model = Service
    importer = ServiceImporter


class PriceImport(CatalogueImport):
    model = Price
    importer = PriceImporter
    related_imports = (("catalogue:price_import", _("Import prices")),)

    def list_url(self):
        return reverse("catalogue:pricelist_list")


class SubscriptionImport(CatalogueImport):
    model = Subscription
    importer = SubscriptionImporter
