"""The import page: upload → dry run report → confirm → all-or-nothing import."""

import os
import time
import uuid

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from itportal.core.context import change_context
from itportal.core.exports import file_response
from itportal.core.forms import ImportForm
from itportal.core.importer import ImportFileError
from itportal.core.views import ModelView

STAGING_DIR = "imports"
STAGING_MAX_AGE = 24 * 3600


def _stage(uploaded):
    _prune_staged()
    ext = ".xlsx" if uploaded.name.lower().endswith(".xlsx") else ".csv"
    name = f"{STAGING_DIR}/{uuid.uuid4().hex}{ext}"
    return default_storage.save(name, ContentFile(uploaded.read()))


def _prune_staged():
    try:
        _dirs, files = default_storage.listdir(STAGING_DIR)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{STAGING_DIR}/{name}"
        try:
            age = time.time() - default_storage.get_modified_time(path).timestamp()
        except (OSError, NotImplementedError):
            continue
        if age > STAGING_MAX_AGE:
            default_storage.delete(path)


def _staged_file(token):
    if not token or "/" in token or ".." in token:
        return None
    path = f"{STAGING_DIR}/{token}"
    if not default_storage.exists(path):
        return None
    return path


class ImportView(ModelView):
    action = "import"
    importer = None
    template_name = "core/import.html"
    related_imports = ()  # (url name, label) of sibling import pages

    def render(self, form, result=None, token="", error=None, status=200):
        context = self.base_context(
            form=form,
            importer=self.importer,
            columns=self.importer.columns,
            result=result,
            token=token,
            file_error=error,
            import_url=reverse(self.url_name("import")),
            related_imports=[(reverse(name), label) for name, label in self.related_imports],
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(export)
        return self.render(ImportForm())

    def export(self, fmt):
        """The current rows (as the user may see them) in the importer's columns."""
        queryset = self.model.objects.restrict(self.request.user, "view")
        data = self.importer().export_dataset(queryset)
        return file_response(data, fmt, f"{self.opts.model_name}-import")

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token", "")
        if token:
            return self.confirm(token)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        uploaded = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        try:
            result = self.run(uploaded, dry_run=dry_run)
        except ImportFileError as exc:
            return self.render(form, error=str(exc), status=400)
        staged = ""
        if dry_run and not result.rejected:
            uploaded.seek(0)
            staged = os.path.basename(_stage(uploaded))
        return self.finish(form, result, staged)

    def confirm(self, token):
        path = _staged_file(token)
        if path is None:
            messages.error(self.request, _("The checked file has expired; upload it again."))
            return HttpResponseRedirect(reverse(self.url_name("import")))
        with default_storage.open(path, "rb") as staged:
            staged.name = path
            try:
                result = self.run(staged, dry_run=False)
            except ImportFileError as exc:
                return self.render(ImportForm(), error=str(exc), status=400)
        default_storage.delete(path)
        return self.finish(ImportForm(), result, "")

    def run(self, uploaded, *, dry_run):
        with change_context(request_id=self.request.id, source="import"):
            return self.importer().run(uploaded, actor=self.request.user, dry_run=dry_run)

    def finish(self, form, result, token):
        if result.committed:
            messages.success(
                self.request,
                _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % result.summary,
            )
        status = 200 if not result.rejected else 422
        return self.render(form, result=result, token=token, status=status)
