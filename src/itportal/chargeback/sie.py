"""A chargeback run as an SIE 4 file (type 4, transactions) for the finance system.

Written from the SIE 4 specification (SIE-Gruppen, "SIE filformat, utgåva 4"): PC8 = CP437
text, one item per line (`#LABEL field field …`), quoted strings with `\\"` for a quote,
object lists in braces, amounts with a decimal point. One voucher (#VER) per invoice group,
each balancing to 0:

- internal units (the municipality's own books): debit the buyers' cost accounts per cost
  centre, credit the revenue accounts on the delivering unit's cost centre;
- a company (its books are not ours): debit the receivable account with the total including
  VAT, credit the revenue accounts and the output VAT account.

The accounts and the cost centre of the IT fee come from the CHARGEBACK_* settings.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from itportal.organisation.choices import OrganisationKind
from itportal.organisation.models import Organisation

ENCODING = "cp437"
DIMENSION = 1  # reserved in the specification for cost centres (kostnadsställe/resultatenhet)
# INK2 SRU codes by BAS account prefix, for readers that expect an #SRU per account.
SRU = (("15", "7251"), ("26", "7369"), ("3", "7410"), ("4", "7511"), ("5", "7513"), ("6", "7513"))
ZERO = Decimal(0)


def quote(text):
    """A quoted SIE string: quotes and backslashes escaped, no control characters."""
    text = " ".join(str(text).split())
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def amount(value):
    return f"{Decimal(value):.2f}"


def day(value):
    return f"{value:%Y%m%d}"


def sru_of(account):
    for prefix, code in SRU:
        if account.startswith(prefix):
            return code
    return None


class _Voucher:
    def __init__(self, group):
        self.group = group
        self.rows = defaultdict(Decimal)  # (account, cost centre or "") → amount

    def add(self, account, cost_centre, value):
        self.rows[(account, cost_centre or "")] += value

    def transactions(self):
        """Debits first, then credits; rows that net to 0 are left out."""
        rows = [(k, v) for k, v in self.rows.items() if v != 0]
        return sorted(rows, key=lambda item: (item[1] < 0, item[0]))


def vouchers(run, lines, groups):
    """[(group, [((account, cost centre), amount)])] of the run's lines, one per invoice
    group; also the names of the cost centres used. Everything is read from the lines as they
    were stored when the run was computed."""
    names = {}
    by_group = {}
    for line in lines:
        group = groups.group_of(line.unit_id)
        voucher = by_group.setdefault(group.key, _Voucher(group))
        centre = line.revenue_cost_centre
        if centre:
            names.setdefault(centre, line.revenue_unit_name or _("IT fee"))
        voucher.add(line.revenue_account, centre, -line.amount)
        if group.is_company:  # invoiced: receivable with output VAT, no cost centre of ours
            voucher.add(line.account, "", line.amount + line.vat)
            voucher.add(line.vat_account, "", -line.vat)
        else:
            unit = groups.unit(line.unit_id)
            names.setdefault(line.cost_centre, unit.name if unit else line.cost_centre)
            voucher.add(line.account, line.cost_centre, line.amount + line.vat)
    ordered = sorted(by_group.values(), key=lambda v: (v.group.name.casefold(), v.group.key))
    return [(v.group, v.transactions()) for v in ordered], names


def books_owner(organisation):
    """Whose books the file is for: the IT office's. That is the organisation whose units
    deliver the catalogue's services, when there is one; otherwise the municipality owning
    the organisation (through its holding company), or the organisation itself."""
    delivering = list(
        Organisation.objects.filter(units__delivered_services__isnull=False).distinct()[:2]
    )
    if len(delivering) == 1:
        return delivering[0]
    seen, org = set(), organisation
    while org.kind != OrganisationKind.MUNICIPALITY and org.owner_id and org.pk not in seen:
        seen.add(org.pk)
        org = org.owner
    return org if org.kind == OrganisationKind.MUNICIPALITY else organisation


def _account_names(accounts):
    known = {
        settings.CHARGEBACK_COST_ACCOUNT: _("Purchased IT services"),
        settings.CHARGEBACK_FEE_COST_ACCOUNT: _("IT fee, cost"),
        settings.CHARGEBACK_REVENUE_ACCOUNT: _("Internal revenue, IT services"),
        settings.CHARGEBACK_FEE_REVENUE_ACCOUNT: _("Internal revenue, IT fee"),
        settings.CHARGEBACK_VAT_ACCOUNT: _("Output VAT"),
        settings.CHARGEBACK_RECEIVABLE_ACCOUNT: _("Receivables, municipal companies"),
    }
    return {a: known.get(a) or _("Account %(account)s") % {"account": a} for a in accounts}


def sie_text(run, lines, groups, *, generated=None):
    """The SIE 4 file as text (encode it with ENCODING)."""
    with translation.override(settings.LANGUAGE_CODE):
        return "".join(f"{row}\r\n" for row in _rows(run, lines, groups, generated))


def _rows(run, lines, groups, generated):
    generated = generated or timezone.localdate()
    registered = run.closed_at.date() if run.closed_at else generated
    found, names = vouchers(run, lines, groups)
    accounts = sorted({account for _g, rows in found for (account, _c), _v in rows})
    org = books_owner(run.organisation)
    year_start = datetime.date(run.period_start.year, 1, 1)
    yield "#FLAGGA 0"
    yield f"#PROGRAM {quote('IT-portalen')} {quote('1.0')}"
    yield "#FORMAT PC8"
    yield f"#GEN {day(generated)}"
    yield "#SIETYP 4"
    yield f"#FNAMN {quote(org.name)}"
    if org.org_number:
        yield f"#ORGNR {org.org_number}"
    yield f"#RAR 0 {day(year_start)} {day(year_start.replace(month=12, day=31))}"
    dimension = getattr(settings, "CHARGEBACK_SIE_DIMENSION_NAME", "Ansvar")
    yield f"#DIM {DIMENSION} {quote(dimension)}"
    for centre in sorted(names):
        yield f"#OBJEKT {DIMENSION} {quote(centre)} {quote(names[centre])}"
    for account, name in _account_names(accounts).items():
        yield f"#KONTO {account} {quote(name)}"
        code = sru_of(account)
        if code:
            yield f"#SRU {account} {code}"
    series = getattr(settings, "CHARGEBACK_SIE_SERIES", "A")
    for number, (group, rows) in enumerate(found, start=1):
        text = _("IT chargeback %(period)s %(group)s") % {
            "period": run.period_label,
            "group": group.name,
        }
        yield (
            f"#VER {quote(series)} {quote(str(number))} {day(run.period_end)} "
            f"{quote(text)} {day(registered)}"
        )
        yield "{"
        for (account, centre), value in rows:
            objects = f"{DIMENSION} {quote(centre)}" if centre else ""
            yield f"#TRANS {account} {{{objects}}} {amount(value)}"
        yield "}"


def sie_file(run, lines, groups, *, generated=None):
    """The SIE 4 file as CP437 bytes (characters CP437 lacks become '?')."""
    return sie_text(run, lines, groups, generated=generated).encode(ENCODING, errors="replace")
