"""The invoice basis of a chargeback run as a PDF (WeasyPrint): one section per invoice group
(administration or company) with its lines and total, amounts and dates the Swedish way."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from itportal.chargeback.exports import kronor
from itportal.chargeback.grouping import grouped
from itportal.chargeback.models import RunState

ZERO = Decimal(0)


def _quantity(value):
    text = f"{value.normalize():f}" if value else "0"
    return text.replace(".", ",")


def invoice_basis_context(run, lines, groups):
    sections = []
    grand = {"amount": ZERO, "vat": ZERO}
    for group, rows in grouped(groups, lines):
        amount = sum((x.amount for x in rows), ZERO)
        vat = sum((x.vat for x in rows), ZERO)
        grand["amount"] += amount
        grand["vat"] += vat
        sections.append(
            {
                "group": group,
                "lines": [
                    {
                        "cost_centre": x.cost_centre,
                        "unit": getattr(groups.unit(x.unit_id), "name", ""),
                        "description": x.description,
                        "quantity": _quantity(x.quantity),
                        "unit_price": kronor(x.unit_price, unit=False),
                        "amount": kronor(x.amount),
                        "vat": kronor(x.vat),
                        "total": kronor(x.amount + x.vat),
                    }
                    for x in rows
                ],
                "amount": kronor(amount),
                "vat": kronor(vat),
                "total": kronor(amount + vat),
            }
        )
    return {
        "run": run,
        "sections": sections,
        "is_draft": run.state == RunState.DRAFT,
        "is_closed": run.state == RunState.CLOSED,
        "amount": kronor(grand["amount"]),
        "vat": kronor(grand["vat"]),
        "total": kronor(grand["amount"] + grand["vat"]),
        "period_start": run.period_start.isoformat(),
        "period_end": run.period_end.isoformat(),
        "approved_on": run.approved_at and timezone.localdate(run.approved_at).isoformat(),
        "closed_on": run.closed_at and timezone.localdate(run.closed_at).isoformat(),
        "generated": timezone.localdate().isoformat(),
    }


def invoice_basis_html(run, lines, groups):
    context = invoice_basis_context(run, lines, groups)
    return render_to_string("chargeback/pdf/invoice_basis.html", context)


def invoice_basis_pdf(run, lines, groups):
    from weasyprint import HTML  # imported late: it loads Pango

    return HTML(string=invoice_basis_html(run, lines, groups)).write_pdf()
