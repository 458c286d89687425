"""Generic views: list (table, filters, search, column chooser, export), detail with history,
create, edit and delete. Apps subclass them with a model, a table, a filterset, a form and the
service functions that write."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from itportal.core.access import ModelAction
from itportal.core.display import describe_changes, display_value
from itportal.core.exports import table_response
from itportal.core.models import ObjectChange
from itportal.core.permissions import can

PER_PAGE_CHOICES = (25, 50, 100, 250)
EXPORT_FORMATS = ("csv", "xlsx")


class PortalView(View):
    """Checks `access_rule` before anything else: anonymous → login, others → 403."""

    access_rule = None

    def dispatch(self, request, *args, **kwargs):
        rule = self.access_rule
        if rule is None:  # pragma: no cover - the coverage test forbids it
            raise PermissionDenied
        if not rule.allows(request.user):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ModelView(PortalView):
    model = None
    action = "view"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None:
            cls.access_rule = ModelAction(cls.model, cls.action)

    @property
    def opts(self):
        return self.model._meta

    def url_name(self, suffix):
        return f"{self.opts.app_label}:{self.opts.model_name}_{suffix}"

    def list_url(self):
        try:
            return reverse(self.url_name("list"))
        except NoReverseMatch:
            return None

    def base_context(self, **extra):
        user = self.request.user
        return {
            "opts": self.opts,
            "can_add": can(user, self.model, "add"),
            "can_import": can(user, self.model, "import") and getattr(self, "importer", None),
            "list_url": self.list_url(),
            **extra,
        }


class ObjectListView(ModelView):
    table_class = None
    filterset_class = None
    template_name = "core/object_list.html"
    importer = None  # set when the model has an import page

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, "view")

    def chosen_columns(self):
        table_class = self.table_class
        choosable = [name for name, _label in table_class.choosable_columns()]
        key = f"columns:{self.opts.label_lower}"
        if "columns" in self.request.GET:
            chosen = [c for c in self.request.GET.getlist("columns") if c in choosable]
            if chosen:
                self.request.session[key] = chosen
        chosen = self.request.session.get(key) or table_class.initial_columns()
        return [c for c in chosen if c in choosable]

    def per_page(self):
        try:
            value = int(self.request.GET.get("per_page", 50))
        except ValueError:
            value = 50
        return value if value in PER_PAGE_CHOICES else 50

    def get(self, request, *args, **kwargs):
        filterset = self.filterset_class(
            request.GET or None, queryset=self.get_queryset(), request=request
        )
        queryset = (
            filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        )
        if filterset.is_bound and not filterset.is_valid():
            queryset = queryset.none()
        columns = self.chosen_columns()
        hidden = [name for name in self.table_class.base_columns if name not in columns]
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            table = self.table_class(queryset, exclude=[*hidden, "actions"])
            RequestConfig(request, paginate=False).configure(table)
            return table_response(table, export, self.opts.model_name)
        table = self.table_class(queryset, exclude=hidden)
        RequestConfig(request, paginate={"per_page": self.per_page()}).configure(table)
        context = self.base_context(
            table=table,
            filterset=filterset,
            columns=self.table_class.choosable_columns(),
            chosen=columns,
            per_page=self.per_page(),
            per_page_choices=PER_PAGE_CHOICES,
            export_formats=EXPORT_FORMATS,
            import_url=reverse(self.url_name("import")) if self.importer else None,
            add_url=reverse(self.url_name("add")) if self.has_add_view() else None,
            extra_links=self.extra_links(),
        )
        template = (
            "core/partials/table_block.html"
            if request.htmx and not request.htmx.boosted
            else self.template_name
        )
        return TemplateResponse(request, template, context)

    def extra_links(self):
        """Hook: [(url, label)] of further actions shown beside Add and Import."""
        return []

    def has_add_view(self):
        return getattr(self, "add_view_exists", True)


def history_for(obj, limit=50):
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    changes = ObjectChange.objects.filter(
        content_type=content_type, object_id=str(obj.pk)
    ).select_related("user")
    return changes[:limit]


def labelled_changes(change, model):
    """[(label, before, after)] for one change row, with readable values."""
    return describe_changes([change], model)[0][1]


class ObjectDetailView(ModelView):
    template_name = "core/object_detail.html"
    detail_fields = ()
    select_related = ()

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, "view").select_related(
            *self.select_related
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_extra_context(self, obj):
        return {}

    def field_rows(self, obj):
        rows = []
        for name in self.detail_fields:
            field = self.opts.get_field(name)
            value = getattr(obj, name)
            rows.append((field.verbose_name, display_value(field, value)))
        return rows

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        user = request.user
        changes = describe_changes(list(history_for(obj)), self.model)
        context = self.base_context(
            object=obj,
            field_rows=self.field_rows(obj),
            history=changes,
            can_change=can(user, self.model, "change", obj),
            can_delete=can(user, self.model, "delete", obj),
            edit_url=reverse(self.url_name("edit"), args=[obj.pk]),
            delete_url=reverse(self.url_name("delete"), args=[obj.pk]),
            **self.get_extra_context(obj),
        )
        return TemplateResponse(request, self.template_name, context)


class ObjectEditView(ModelView):
    """Create (no pk) or edit (pk) through the model's services."""

    action = "change"
    form_class = None
    template_name = "core/object_edit.html"
    create_service = None
    update_service = None

    def get_object(self):
        if "pk" not in self.kwargs:
            return self.model()
        queryset = self.model.objects.restrict(self.request.user, "change")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def render(self, form, obj):
        context = self.base_context(form=form, object=obj if obj.pk else None)
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render(
            self.form_class(instance=obj, user=request.user, initial=self.initial()), obj
        )

    def initial(self):
        return {k: v for k, v in self.request.GET.items() if k in self.form_class.base_fields}

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form_class(request.POST, request.FILES, instance=obj, user=request.user)
        if form.is_valid():
            try:
                saved = self.save(form, obj)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("%(object)s was saved.") % {"object": saved})
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render(form, obj)

    def save(self, form, obj):
        """Write through the service; refuse (and roll back) a save that leaves the user's scope,
        e.g. a coordinator moving a unit or person outside their units."""
        instance = form.instance
        actor = self.request.user
        extra = {}
        if getattr(form, "m2m_fields", None):
            extra["m2m"] = {name: form.cleaned_data[name] for name in form.m2m_fields}
        with transaction.atomic():
            if obj.pk is None:
                saved = type(self).create_service(instance, actor=actor, **extra)
            else:
                version = form.cleaned_data["_version"]
                saved = type(self).update_service(
                    instance, actor=actor, expected_version=version, **extra
                )
            if not self.model.objects.restrict(actor, "change").filter(pk=saved.pk).exists():
                raise PermissionDenied
        return saved


def add_errors(form, exc):
    """A service's ValidationError onto the form: by field where the form has the field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ObjectCreateView(ObjectEditView):
    action = "add"


class ObjectDeleteView(ModelView):
    action = "delete"
    template_name = "core/object_delete.html"
    delete_service = None

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, "delete")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return TemplateResponse(request, self.template_name, self.base_context(object=obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        version = request.POST.get("_version", "")
        if not (version.isascii() and version.isdigit()):
            context = self.base_context(
                object=obj, errors=[_("The form is missing its version; reload the page.")]
            )
            return TemplateResponse(request, self.template_name, context, status=400)
        try:
            type(self).delete_service(obj, actor=request.user, expected_version=int(version))
        except ValidationError as exc:
            context = self.base_context(object=obj, errors=exc.messages)
            return TemplateResponse(request, self.template_name, context, status=409)
        messages.success(request, _("%(object)s was deleted.") % {"object": obj})
        return HttpResponseRedirect(self.success_url(obj))

    def success_url(self, obj):
        return reverse(self.url_name("list"))
