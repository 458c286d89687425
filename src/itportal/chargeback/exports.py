"""Files of a chargeback run: CSV and XLSX per line here, the PDF invoice basis in pdf.py and
the SIE 4 file in sie.py. `export_run` gives any of them as bytes, for the page and the
command alike."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from itportal.chargeback.grouping import StoredGroups
from itportal.chargeback.models import ChargebackLine
from itportal.core.exports import CONTENT_TYPES, dataset

FORMATS = ("csv", "xlsx", "pdf", "sie")
NBSP = "\u00a0"
CONTENT_TYPES = {
    **CONTENT_TYPES,
    "pdf": "application/pdf",
    "sie": "text/plain; charset=IBM437",
}
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "pdf": "pdf", "sie": "se"}


def kronor(value, unit=True):
    """Decimal('-1234.5') → '-1 234,50 kr' (Swedish: non-breaking space groups, comma)."""
    value = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    whole, _dot, cents = f"{abs(value):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{NBSP.join(groups)},{cents}"
    return f"{text}{NBSP}kr" if unit else text


def run_lines(run, user=None):
    """The run's lines in their stored order; only the user's units' lines when the user sees
    lines through unit roles."""
    lines = ChargebackLine.objects.filter(run=run)
    if user is not None:
        lines = lines.restrict(user, "view")
    return lines.select_related("service").order_by("id")


@dataclass
class Sheet:
    headers: list
    rows: list


def line_sheet(run, lines, groups=None):
    """One row per line, with Swedish (translated) column names."""
    lines = list(lines)
    groups = groups or StoredGroups(lines)
    headers = [
        _("Organisation"),
        _("Period"),
        _("Invoice group"),
        _("Cost centre"),
        _("Unit"),
        _("Kind"),
        _("Service"),
        _("Description"),
        _("Quantity"),
        _("Unit price"),
        _("Amount excl. VAT"),
        _("VAT rate (%)"),
        _("VAT"),
        _("Total"),
        _("Cost account"),
        _("Revenue account"),
    ]
    rows = []
    for line in lines:
        unit = groups.unit(line.unit_id)
        rows.append(
            [
                run.organisation.name,
                run.period_label,
                groups.group_of(line.unit_id).name,
                line.cost_centre,
                unit.name if unit else "",
                line.get_kind_display(),
                line.service.name if line.service_id else "",
                line.description,
                line.quantity,
                line.unit_price,
                line.amount,
                line.vat_rate,
                line.vat,
                line.amount + line.vat,
                line.account,
                line.revenue_account,
            ]
        )
    return Sheet(headers, rows)


def filename(run, fmt):
    org = run.organisation.short_name or run.organisation.name
    slug = "".join(c if c.isalnum() else "-" for c in org).strip("-").lower()
    return f"debitering-{run.period_label}-{slug}.{EXTENSIONS[fmt]}"


def export_run(run, fmt, *, user=None):
    """(bytes, content type, file name) of the run in `fmt` (csv, xlsx, pdf or sie)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    lines = list(run_lines(run, user))
    groups = StoredGroups(lines)
    if fmt == "pdf":
        from itportal.chargeback.pdf import invoice_basis_pdf

        body = invoice_basis_pdf(run, lines, groups)
    elif fmt == "sie":
        from itportal.chargeback.sie import sie_file

        body = sie_file(run, lines, groups)
    else:
        sheet = line_sheet(run, lines, groups)
        data = dataset(sheet.headers, sheet.rows)
        body = data.export(fmt)
        if fmt == "csv":
            body = ("\ufeff" + body).encode("utf-8")  # so that Excel reads Å, Ä and Ö right
    return body, CONTENT_TYPES[fmt], filename(run, fmt)
