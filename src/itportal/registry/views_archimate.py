"""ArchiMate exchange: download the register as an ArchiMate file, and import one (upload →
dry run report → confirm → all-or-nothing import)."""

import re
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itportal.core.access import ModelAction
from itportal.core.context import change_context
from itportal.core.import_views import STAGING_DIR, _prune_staged, _staged_file
from itportal.core.views import PortalView
from itportal.registry import archimate
from itportal.registry.models import System

# Staged files share the folder (and its pruning of files older than a day) with the CSV/XLSX
# import pages.
TOKEN = re.compile(r"archimate-[0-9a-f]{32}\.xml")
# An exchange file holds about five times the bytes of the same rows as CSV (the whole large
# demo register is 11 MB): allow five times the CSV/XLSX import limit.
XML_FACTOR = 5


def max_bytes():
    return settings.IMPORT_MAX_BYTES * XML_FACTOR


class ArchimateImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ArchiMate file"),
        help_text=gettext_lazy(
            "An ArchiMate Model Exchange File (XML), e.g. exported from Archi or from this page."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xml"}),
    )
    default_unit = forms.CharField(
        label=gettext_lazy("Default owning unit"),
        required=False,
        max_length=50,
        help_text=gettext_lazy(
            "Cost centre (or id:<id>) of the unit that owns the new systems the file gives "
            "no owner. Leave empty to require an owner in the file."
        ),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: only show what would happen"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > max_bytes():
            raise ValidationError(
                _("The file is %(size).1f MB; the largest file accepted is %(limit).1f MB.")
                % {"size": uploaded.size / 1048576, "limit": max_bytes() / 1048576}
            )
        return uploaded

    def clean_default_unit(self):
        return archimate.find_unit(self.cleaned_data.get("default_unit"))


class ArchimateExport(PortalView):
    """GET: the whole register as an ArchiMate Model Exchange File."""

    access_rule = ModelAction(System, "view")

    def get(self, request):
        response = HttpResponse(
            archimate.export_model(), content_type="application/xml; charset=utf-8"
        )
        name = f"systemregister-archimate-{timezone.localdate().isoformat()}.xml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ArchimateImport(PortalView):
    access_rule = ModelAction(System, "import")
    template_name = "registry/archimate_import.html"

    def render(self, form, *, result=None, file_errors=(), token="", unit="", status=200):
        context = {
            "form": form,
            "result": result,
            "file_errors": file_errors,
            "token": token,
            "default_unit": unit,
            "import_url": reverse("registry:archimate_import"),
            "export_url": reverse("registry:archimate_export"),
            "owner_name": archimate.OWNER_NAME,
            "properties": archimate.PROPS.values(),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(ArchimateImportForm())

    def post(self, request):
        token = request.POST.get("token", "")
        if token:
            return self.confirm(token)
        form = ArchimateImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data["file"].read()
        default_unit = form.cleaned_data["default_unit"]
        dry_run = form.cleaned_data["dry_run"]
        try:
            result = self.run(data, default_unit=default_unit, dry_run=dry_run)
        except archimate.ArchimateFileError as exc:
            return self.render(form, file_errors=exc.messages, status=400)
        token = ""
        if dry_run and not result.errors:
            token = self.stage(data)
        unit = request.POST.get("default_unit", "") if default_unit else ""
        return self.finish(form, result, token, unit)

    def confirm(self, token):
        path = _staged_file(token) if TOKEN.fullmatch(token) else None
        if path is None:
            messages.error(self.request, _("The checked file has expired; upload it again."))
            return HttpResponseRedirect(reverse("registry:archimate_import"))
        unit = self.request.POST.get("default_unit", "")
        try:
            default_unit = archimate.find_unit(unit)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("registry:archimate_import"))
        with default_storage.open(path, "rb") as staged:
            data = staged.read()
        form = ArchimateImportForm()
        try:
            result = self.run(data, default_unit=default_unit, dry_run=False)
        except archimate.ArchimateFileError as exc:
            return self.render(form, file_errors=exc.messages, status=400)
        if result.committed:
            default_storage.delete(path)
        return self.finish(form, result, "", "")

    def run(self, data, *, default_unit, dry_run):
        with change_context(request_id=getattr(self.request, "id", None), source="import"):
            return archimate.import_model(
                data, actor=self.request.user, dry_run=dry_run, default_unit=default_unit
            )

    def stage(self, data):
        _prune_staged()
        name = default_storage.save(
            f"{STAGING_DIR}/archimate-{uuid.uuid4().hex}.xml", ContentFile(data)
        )
        return name.rsplit("/", 1)[-1]

    def finish(self, form, result, token, unit):
        if result.committed:
            messages.success(
                self.request,
                _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % result.summary,
            )
        status = 422 if result.errors else 200
        return self.render(form, result=result, token=token, unit=unit, status=status)
