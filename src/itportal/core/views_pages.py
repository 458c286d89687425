"""Pages of the core app: home, login, the global change log, health check."""

import django_filters
import django_tables2 as tables
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from itportal.core.access import LoggedIn, Public, Roles, with_rule
from itportal.core.auth_forms import LoginForm
from itportal.core.filters import SearchFilterSet
from itportal.core.models import ObjectChange
from itportal.core.roles import Role, roles_of
from itportal.core.tables import PortalTable
from itportal.core.views import ObjectListView, PortalView, labelled_changes


class Home(PortalView):
    access_rule = LoggedIn()

    def get(self, request):
        from django.apps import apps

        counts = []
        for label in (
            "organisation.Organisation",
            "organisation.OrgUnit",
            "organisation.Person",
            "organisation.Vendor",
        ):
            model = apps.get_model(label)
            counts.append(
                (
                    model._meta.verbose_name_plural,
                    model.objects.restrict(request.user).count(),
                    model,
                )
            )
        context = {
            "counts": counts,
            "roles": [Role(r).label for r in sorted(roles_of(request.user))],
        }
        return TemplateResponse(request, "core/home.html", context)


class Login(auth_views.LoginView):
    access_rule = Public()
    authentication_form = LoginForm
    redirect_authenticated_user = True


class Logout(auth_views.LogoutView):
    access_rule = LoggedIn()


language = with_rule(Public())(set_language)


@with_rule(Public())
def health(request):
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class ChangeTable(PortalTable):
    time = tables.DateTimeColumn(linkify=True, format="SHORT_DATETIME_FORMAT")

    class Meta(PortalTable.Meta):
        model = ObjectChange
        fields = ("time", "actor", "action", "content_type", "object_repr", "source", "request_id")

    default_columns = ("time", "actor", "action", "content_type", "object_repr", "source")


class ChangeFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "actor", "request_id")
    action = django_filters.ChoiceFilter(choices=ObjectChange.Action.choices, label=_("action"))
    since = django_filters.DateFilter(
        field_name="time", lookup_expr="date__gte", label=_("From date")
    )
    until = django_filters.DateFilter(
        field_name="time", lookup_expr="date__lte", label=_("To date")
    )

    class Meta:
        model = ObjectChange
        fields = ("q", "action", "content_type", "since", "until")


class ChangeList(ObjectListView):
    model = ObjectChange
    table_class = ChangeTable
    filterset_class = ChangeFilterSet
    add_view_exists = False

    def url_name(self, suffix):
        return f"core:change_{suffix}"

    def get_queryset(self):
        return super().get_queryset().select_related("content_type")


class ChangeDetail(PortalView):
    access_rule = Roles(frozenset({Role.IT_ADMIN}))

    def get(self, request, pk):
        change = get_object_or_404(
            ObjectChange.objects.restrict(request.user).select_related("content_type", "user"),
            pk=pk,
        )
        model = change.content_type.model_class()
        rows = labelled_changes(change, model) if model else []
        target = None
        if model is not None and change.action != ObjectChange.Action.DELETE:
            target = model._default_manager.filter(pk=change.object_id).first()
        context = {"change": change, "rows": rows, "target": target}
        return TemplateResponse(request, "core/change_detail.html", context)


def error_403(request, exception=None):
    return TemplateResponse(request, "403.html", status=403)
