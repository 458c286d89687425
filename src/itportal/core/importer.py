"""Import of CSV and XLSX files: all or nothing, with a dry run.

An `Importer` names its columns; each row becomes a model instance (new, or an existing one found
by the key column) and is written through the app's services, so imports are audited like web
edits. Every row runs inside one transaction; if any row is rejected, or in a dry run, the
transaction is rolled back and nothing is written. A rejected row names its row number (as in
the file: the header is row 1), the column and the reason.
"""

import csv
import io
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itportal.core.exports import dataset

TRUE_WORDS = {"1", "true", "yes", "ja", "sant", "x", "aktiv", "active"}
FALSE_WORDS = {"0", "false", "no", "nej", "falskt", "", "inaktiv", "inactive"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass
class Column:
    name: str  # header in the file (code name)
    field: str  # model field or lookup it fills
    label: str = ""  # translatable label, also accepted as header
    required: bool = False
    parse: object = None  # callable(str) -> value, raising ValidationError


ACTION_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "rejected": gettext_lazy("rejected"),
}


@dataclass
class RowResult:
    number: int
    action: str  # created, updated, unchanged, rejected
    object: str = ""
    errors: list = field(default_factory=list)  # [(column, message)]

    @property
    def action_label(self):
        return ACTION_LABELS[self.action]


@dataclass
class ImportResult:
    rows: list
    dry_run: bool
    committed: bool = False

    def count(self, action):
        return sum(1 for r in self.rows if r.action == action)

    @property
    def rejected(self):
        return [r for r in self.rows if r.action == "rejected"]

    @property
    def summary(self):
        return {a: self.count(a) for a in ("created", "updated", "unchanged", "rejected")}


class _Rollback(Exception):
    pass


class OutOfScope(Exception):
    """The row would create or change a record outside what the importing user may change."""


def parse_bool(value):
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValidationError(_("%(value)s is not yes/no.") % {"value": value})


def parse_int(value):
    value = value.strip().replace(" ", "").replace("\u00a0", "")
    if value == "":
        return 0
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(_("%(value)s is not a whole number.") % {"value": value}) from None
    if number < 0:
        raise ValidationError(_("%(value)s is negative.") % {"value": value})
    return number


def parse_choice(choices):
    """A parser accepting a choice's code or its label (in any language shown to users)."""

    def parse(value):
        wanted = value.strip().lower()
        for code, label in choices.choices:
            if wanted in (code.lower(), str(label).lower()):
                return code
        allowed = ", ".join(code for code, _label in choices.choices)
        raise ValidationError(
            _("%(value)s is not one of: %(allowed)s.") % {"value": value, "allowed": allowed}
        )

    return parse


def read_rows(uploaded):
    """[header, rows] from an uploaded CSV or XLSX file; raises ImportFileError."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is %(size).1f MB; the largest file accepted is %(limit).1f MB.")
            % {"size": size / 1048576, "limit": settings.IMPORT_MAX_BYTES / 1048576}
        )
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        rows_read = _read_xlsx(data)
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        rows_read = _read_csv(data)
    else:
        raise ImportFileError(_("Only CSV and XLSX files can be imported."))
    rows = []
    for row in rows_read:
        if any(cell.strip() for cell in row):
            rows.append(row)
            if len(rows) - 1 > settings.IMPORT_MAX_ROWS:  # stop reading: refuse at once
                raise ImportFileError(
                    _("The file has more than %(limit)s rows; import it in parts.")
                    % {"limit": settings.IMPORT_MAX_ROWS}
                )
    if not rows:
        raise ImportFileError(_("The file is empty; it needs a header row and data rows."))
    return [c.strip() for c in rows[0]], rows[1:]


def _read_csv(data):
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("The file is not a text CSV file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="strict") if _is_cp1252(data) else None
        if text is None:
            raise ImportFileError(_("The file is neither UTF-8 nor Windows-1252 text.")) from None
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None


def _is_cp1252(data):
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
    sheet = book.worksheets[0]
    try:
        for values in sheet.iter_rows(values_only=True):
            yield ["" if v is None else _cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


class Importer(ABC):
    """Subclasses set model, columns, key (the column that finds an existing row) and write().

    `find(values)` returns the existing instance for a row (or None); `apply(instance, values)`
    sets the parsed values; `create`/`update` are the app's services.
    """

    model = None
    columns = ()
    key = None
    title = gettext_lazy("Import")

    def header_map(self, header):
        """Map the file's header cells to columns; raise ImportFileError naming what is wrong."""
        by_alias = {}
        for column in self.columns:
            for alias in {column.name, str(column.label)} - {""}:
                by_alias[alias.strip().lower()] = column
        mapping, unknown, seen = {}, [], set()
        for index, cell in enumerate(header):
            column = by_alias.get(cell.lower())
            if column is None:
                unknown.append(cell or _("(empty header in column %(n)s)") % {"n": index + 1})
            elif column.name in seen:
                raise ImportFileError(_("The column %(name)s appears twice.") % {"name": cell})
            else:
                mapping[index] = column
                seen.add(column.name)
        problems = []
        if unknown:
            problems.append(_("Unknown columns: %(list)s.") % {"list": ", ".join(unknown)})
        missing = [c.name for c in self.columns if c.required and c.name not in seen]
        if missing:
            problems.append(_("Missing columns: %(list)s.") % {"list": ", ".join(missing)})
        if problems:
            expected = ", ".join(c.name for c in self.columns)
            problems.append(_("Expected columns: %(list)s.") % {"list": expected})
            raise ImportFileError(" ".join(problems))
        return mapping

    def run(self, uploaded, *, actor, dry_run=True):
        header, rows = read_rows(uploaded)
        mapping = self.header_map(header)
        results = []
        seen = {}  # row key → first row number, to refuse a record given twice in one file
        try:
            with transaction.atomic():
                for offset, cells in enumerate(rows):
                    result = self._row(offset + 2, cells, mapping, actor, seen)
                    results.append(result)
                if dry_run or any(r.action == "rejected" for r in results):
                    raise _Rollback
        except _Rollback:
            return ImportResult(results, dry_run=dry_run, committed=False)
        return ImportResult(results, dry_run=dry_run, committed=True)

    def row_key(self, values):
        """What identifies a record within one file (None: rows may repeat a key)."""
        value = values.get(self.key)
        return value.strip().lower() if isinstance(value, str) else value

    def _row(self, number, cells, mapping, actor, seen):
        if len(cells) > len(mapping) and any(c.strip() for c in cells[len(mapping) :]):
            return RowResult(
                number, "rejected", errors=[("", _("The row has more cells than the header."))]
            )
        raw = {
            column.name: (cells[i].strip() if i < len(cells) else "")
            for i, column in mapping.items()
        }
        values, errors = {}, []
        for column in mapping.values():
            text = raw[column.name]
            if column.required and not text:
                errors.append((column.name, _("This column needs a value.")))
                continue
            try:
                values[column.name] = column.parse(text) if column.parse else text
            except ValidationError as exc:
                errors.extend((column.name, m) for m in exc.messages)
        if errors:
            return RowResult(number, "rejected", raw.get(self.key, ""), errors)
        key = self.row_key(values)
        if key is not None:
            if key in seen:
                message = _("The same record as in row %(row)s.") % {"row": seen[key]}
                return RowResult(number, "rejected", raw.get(self.key, ""), [(self.key, message)])
            seen[key] = number
        try:
            with transaction.atomic():
                instance = self.find(values)
                is_new = instance is None
                if is_new:
                    instance = self.model()
                elif not self.within_scope(instance, actor):
                    raise OutOfScope  # an existing row outside the user's units: not theirs
                before = instance.version if not is_new else None
                self.apply(instance, values)
                if is_new:
                    self.create(instance, actor=actor)
                    action = "created"
                else:
                    self.update(instance, actor=actor)
                    action = "updated" if instance.version != before else "unchanged"
                if not self.within_scope(instance, actor):
                    raise OutOfScope
                return RowResult(number, action, str(instance))
        except OutOfScope:
            message = _("You may not change this row: it lies outside the units you act for.")
            return RowResult(number, "rejected", raw.get(self.key, ""), [("", message)])
        except ValidationError as exc:
            return RowResult(number, "rejected", raw.get(self.key, ""), self._errors(exc))

    def within_scope(self, instance, actor):
        if actor is None or isinstance(actor, str):
            return True  # commands and jobs act for the whole organisation
        return self.model.objects.restrict(actor, "change").filter(pk=instance.pk).exists()

    def _errors(self, exc):
        by_field = {c.field: c.name for c in self.columns}
        if hasattr(exc, "error_dict"):
            out = []
            for name, errors in exc.error_dict.items():
                column = by_field.get(name, "" if name == "__all__" else name)
                out.extend((column, m) for e in errors for m in e.messages)
            return out
        return [("", m) for m in exc.messages]

    @abstractmethod
    def export_rows(self, queryset):
        """The rows of `queryset` in this importer's columns: a file that imports back."""

    @abstractmethod
    def find(self, values):
        """The existing instance a row refers to, or None for a new one."""

    @abstractmethod
    def apply(self, instance, values):
        """Set the row's parsed values on the instance (raising ValidationError per column)."""

    @abstractmethod
    def create(self, instance, *, actor):
        """Write a new instance through the app's service."""

    @abstractmethod
    def update(self, instance, *, actor):
        """Write a changed instance through the app's service."""

    def export_dataset(self, queryset):
        return dataset([c.name for c in self.columns], self.export_rows(queryset))
