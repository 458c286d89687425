"""Benchmarking with other municipalities: import their Kolada-shaped KPI files (all or nothing,
with a dry run) and place our value among theirs.

The file format is documented in docs/kpi-exchange.md and described by
chargeback/schemas/kpi-exchange.schema.json. The checks here follow the schema and name the
file, the entry and the field of every problem ("peer.json: values[3].period: not a year").
"""

import json
import statistics
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.chargeback import kpis
from itportal.chargeback.models import PeerValue
from itportal.core.context import current_request_id, current_source
from itportal.core.dates import FIRST_YEAR, LAST_YEAR
from itportal.core.models import ObjectChange
from itportal.core.services import _actor_label, snapshot

GENDERS = ("T", "K", "M")  # Kolada: total, women (kvinnor), men
MIN_YEAR, MAX_YEAR = FIRST_YEAR, LAST_YEAR
MAX_VALUE = Decimal("1e13")


class PeerFileError(Exception):
    """One or more files cannot be imported; `messages` names file, entry and field."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class PeerEntry:
    source: str
    index: str  # "values[3].values[0]"
    kpi: str
    municipality: str
    municipality_name: str
    period: int
    gender: str
    value: Decimal
    action: str = ""  # "new", "replace", "unchanged"
    old_value: Decimal | None = None

    @property
    def key(self):
        return (self.kpi, self.municipality, self.period, self.gender)


@dataclass
class PeerImport:
    entries: list
    dry_run: bool
    skipped: int = 0  # entries whose value is null (no data)
    committed: bool = False
    files: list = field(default_factory=list)

    def count(self, action):
        return sum(1 for e in self.entries if e.action == action)

    @property
    def summary(self):
        return {a: self.count(a) for a in ("new", "replace", "unchanged")}

    @property
    def municipalities(self):
        return len({e.municipality for e in self.entries})


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value, limit):
    return isinstance(value, str) and 0 < len(value.strip()) <= limit


def _check_entry(name, i, entry, errors, out, skipped):
    where = f"{name}: values[{i}]"
    if not isinstance(entry, dict):
        errors.append(_("%(where)s: not an object") % {"where": where})
        return skipped
    before = len(errors)
    kpi = entry.get("kpi")
    if "kpi" not in entry:
        errors.append(_("%(where)s.kpi: missing") % {"where": where})
    elif not isinstance(kpi, str) or kpi not in kpis.KPIS_BY_CODE:
        errors.append(
            _("%(where)s.kpi: %(value)s is not one of our KPIs (%(codes)s)")
            % {"where": where, "value": json.dumps(kpi), "codes": ", ".join(kpis.KPIS_BY_CODE)}
        )
    municipality = entry.get("municipality")
    if "municipality" not in entry:
        errors.append(_("%(where)s.municipality: missing") % {"where": where})
    elif not (isinstance(municipality, str) and len(municipality) == 4 and municipality.isdigit()):
        errors.append(
            _("%(where)s.municipality: %(value)s is not a four-digit municipality code")
            % {"where": where, "value": json.dumps(municipality)}
        )
    period = entry.get("period")
    if "period" not in entry:
        errors.append(_("%(where)s.period: missing") % {"where": where})
    elif not (_is_int(period) and MIN_YEAR <= period <= MAX_YEAR):
        errors.append(
            _("%(where)s.period: not a year (%(value)s)")
            % {"where": where, "value": json.dumps(period)}
        )
    name_value = entry.get("municipality_name")
    if name_value is not None and not _text(name_value, 200):
        errors.append(
            _("%(where)s.municipality_name: not a name of at most 200 characters")
            % {"where": where}
        )
    values = entry.get("values")
    if "values" not in entry:
        errors.append(_("%(where)s.values: missing") % {"where": where})
        return skipped
    if not isinstance(values, list):
        errors.append(_("%(where)s.values: not a list") % {"where": where})
        return skipped
    parsed = []
    for j, item in enumerate(values):
        inner = f"{where}.values[{j}]"
        if not isinstance(item, dict):
            errors.append(_("%(where)s: not an object") % {"where": inner})
            continue
        gender = item.get("gender", "T")
        if gender not in GENDERS:
            errors.append(
                _("%(where)s.gender: %(value)s is not T, K or M")
                % {"where": inner, "value": json.dumps(gender)}
            )
        if "value" not in item:
            errors.append(_("%(where)s.value: missing") % {"where": inner})
            continue
        raw = item["value"]
        if raw is None:
            skipped += 1
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            errors.append(
                _("%(where)s.value: not a number (%(value)s)")
                % {"where": inner, "value": json.dumps(raw)}
            )
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:  # pragma: no cover - json gives finite numbers only
            value = None
        if value is None or not value.is_finite() or abs(value) >= MAX_VALUE:
            errors.append(_("%(where)s.value: out of range") % {"where": inner})
            continue
        parsed.append((f"values[{i}].values[{j}]", gender, value.quantize(Decimal("0.0001"))))
    if len(errors) == before:
        display = (name_value or "").strip() or municipality
        for index, gender, value in parsed:
            out.append(PeerEntry(name, index, kpi, municipality, display, period, gender, value))
    return skipped


def read_files(files):
    """[(name, bytes)] → (entries, skipped); raises PeerFileError naming every problem."""
    total = sum(len(data) for _name, data in files)
    limit = settings.IMPORT_MAX_BYTES
    if total > limit:
        raise PeerFileError(
            [
                _(
                    "The files are %(size).1f MB together; the largest upload accepted is "
                    "%(limit).1f MB."
                )
                % {"size": total / 1048576, "limit": limit / 1048576}
            ]
        )
    errors, entries, skipped = [], [], 0
    for name, data in files:
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            errors.append(_("%(file)s: not UTF-8 text") % {"file": name})
            continue
        except json.JSONDecodeError as exc:
            errors.append(
                _("%(file)s: not JSON (line %(line)s, column %(column)s: %(reason)s)")
                % {"file": name, "line": exc.lineno, "column": exc.colno, "reason": exc.msg}
            )
            continue
        if not isinstance(document, dict) or not isinstance(document.get("values"), list):
            errors.append(
                _('%(file)s: not a KPI file: expected an object with a list "values"')
                % {"file": name}
            )
            continue
        for i, entry in enumerate(document["values"]):
            skipped = _check_entry(name, i, entry, errors, entries, skipped)
    seen = {}
    for entry in entries:
        first = seen.setdefault(entry.key, entry)
        if first is not entry:
            errors.append(
                _(
                    "%(file)s: %(index)s: %(kpi)s for %(municipality)s %(period)s (%(gender)s) "
                    "is also in %(other)s: %(other_index)s"
                )
                % {
                    "file": entry.source,
                    "index": entry.index,
                    "kpi": entry.kpi,
                    "municipality": entry.municipality,
                    "period": entry.period,
                    "gender": entry.gender,
                    "other": first.source,
                    "other_index": first.index,
                }
            )
    if errors:
        raise PeerFileError(errors)
    return entries, skipped


def _existing(entries):
    """{key: PeerValue} of the stored values the entries would replace, in one query."""
    if not entries:
        return {}
    kpis_wanted = {e.kpi for e in entries}
    codes = {e.municipality for e in entries}
    periods = {e.period for e in entries}
    rows = PeerValue.objects.filter(kpi__in=kpis_wanted, municipality__in=codes, period__in=periods)
    return {(r.kpi, r.municipality, r.period, r.gender): r for r in rows}


def _audit_rows(actor, action, pairs):
    content_type = ContentType.objects.get_for_model(PeerValue)
    user = actor if actor is not None and not isinstance(actor, str) else None
    return [
        ObjectChange(
            user=user,
            actor=_actor_label(actor)[:150],
            source=current_source()[:50],
            request_id=current_request_id(),
            action=action,
            content_type=content_type,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            before=before,
            after=after,
        )
        for obj, before, after in pairs
    ]


def import_peer_files(files, *, actor, dry_run):
    """Check `files` ([(name, bytes)]) and, unless `dry_run`, write their values: a value for
    the same KPI, municipality, year and gender replaces the stored one. All or nothing; every
    written row gets an audit row. Raises PeerFileError."""
    entries, skipped = read_files(files)
    result = PeerImport(entries, dry_run, skipped, files=[name for name, _data in files])
    with transaction.atomic():
        stored = _existing(entries)
        for entry in entries:
            old = stored.get(entry.key)
            if old is None:
                entry.action = "new"
            else:
                entry.old_value = old.value
                same = old.value == entry.value and old.municipality_name == (
                    entry.municipality_name
                )
                entry.action = "unchanged" if same else "replace"
        if dry_run:
            return result
        created = PeerValue.objects.bulk_create(
            [
                PeerValue(
                    kpi=e.kpi,
                    municipality=e.municipality,
                    municipality_name=e.municipality_name,
                    period=e.period,
                    gender=e.gender,
                    value=e.value,
                    source=e.source[:200],
                )
                for e in entries
                if e.action == "new"
            ]
        )
        changes = [(obj, {}, snapshot(obj)) for obj in created]
        replaced, now = [], timezone.now()
        for entry in entries:
            if entry.action != "replace":
                continue
            row = stored[entry.key]
            before = snapshot(row)
            row.value = entry.value
            row.municipality_name = entry.municipality_name
            row.source = entry.source[:200]
            row.imported_at = now
            replaced.append(row)
            after = snapshot(row)
            changed = [k for k in after if before.get(k) != after[k] and k != "imported_at"]
            changes.append((row, {k: before[k] for k in changed}, {k: after[k] for k in changed}))
        if replaced:
            PeerValue.objects.bulk_update(
                replaced, ["value", "municipality_name", "source", "imported_at"]
            )
        ObjectChange.objects.bulk_create(
            _audit_rows(actor, ObjectChange.Action.CREATE, changes[: len(created)])
            + _audit_rows(actor, ObjectChange.Action.UPDATE, changes[len(created) :])
        )
    result.committed = True
    return result


# --- Our position among the peers -------------------------------------------------------------


@dataclass
class Position:
    kpi: kpis.KPI
    year: int
    ours: Decimal | None
    peers: list  # [(code, name, value)], lowest value first
    municipality: str = ""

    @property
    def values(self):
        return [v for _c, _n, v in self.peers]

    @property
    def lower(self):
        return sum(1 for v in self.values if v < self.ours) if self.ours is not None else None

    @property
    def rank(self):
        """1 + the peers with a lower value: 1 is the lowest value of all compared."""
        return None if self.ours is None else self.lower + 1

    @property
    def compared(self):
        return len(self.peers) + (self.ours is not None)

    @property
    def percentile(self):
        """The share of the peers with a lower value than ours, in per cent."""
        if self.ours is None or not self.peers:
            return None
        return kpis.rounded(Decimal(self.lower) * 100 / len(self.peers))

    @property
    def median(self):
        return kpis.rounded(statistics.median(self.values)) if self.peers else None

    @property
    def minimum(self):
        return min(self.values) if self.peers else None

    @property
    def maximum(self):
        return max(self.values) if self.peers else None

    def chart_rows(self, ours_label):
        rows = [
            (f"{name} ({code})" if name != code else code, v, False) for code, name, v in self.peers
        ]
        if self.ours is not None:
            rows.append((ours_label, self.ours, True))
        return rows


def peer_values(kpi_code, year, *, exclude=""):
    """[(code, name, value)] of the peers' totals (gender T) for a KPI and year."""
    rows = PeerValue.objects.filter(kpi=kpi_code, period=year, gender="T")
    if exclude:
        rows = rows.exclude(municipality=exclude)
    rows = rows.values_list("municipality", "municipality_name", "value").order_by(
        "value", "municipality"
    )
    return [(code, name or code, value) for code, name, value in rows]


def position(organisation, kpi_code, year, report=None):
    """Our value (from the cost report) among the peers' for a KPI and year."""
    kpi = kpis.KPIS_BY_CODE[kpi_code]
    report = report if report is not None else kpis.cost_report(organisation)
    item = report.by_year.get(year)
    ours = kpi.value(item) if item is not None else None
    code = organisation.municipality_code
    peers = peer_values(kpi_code, year, exclude=code)
    return Position(kpi, year, ours, peers, code)


def peer_years(kpi_code):
    return sorted(
        set(
            PeerValue.objects.filter(kpi=kpi_code, gender="T")
            .values_list("period", flat=True)
            .distinct()
        )
    )
