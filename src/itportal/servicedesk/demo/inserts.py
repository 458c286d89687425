"""Writing many rows fast: plain INSERTs without model instances (keeping historical times in
auto_now_add fields), a larger SQLite page cache meanwhile, and audited creation of tickets."""

import contextlib
import datetime as dt

from django.db import connection

from itportal.servicedesk.demo import clock

SQLITE_CACHE_KIB = 256 * 1024


def sqlite_datetime(value):
    """What Django's SQLite backend stores for an aware datetime: naive UTC as text."""
    if value is None:
        return None
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def datetime_adapter():
    """The database value of an aware datetime, as the backend would write it."""
    if connection.vendor == "sqlite" and connection.timezone == dt.UTC:
        return sqlite_datetime  # the same text, a few times faster
    return connection.ops.adapt_datetimefield_value


def insert(model, columns, rows, batch=10_000, prepared=False):
    """Insert plain rows (tuples in `columns` order) without building model instances: fast,
    and it keeps the values given for auto_now_add fields (the historical times). `prepared`:
    the datetimes are database values already (see datetime_adapter)."""
    if not rows:
        return 0
    opts = model._meta
    fields = [opts.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(opts.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    adapt = datetime_adapter()
    adapters = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField" and not prepared:
            adapters.append(adapt)
        elif kind in ("DecimalField", "JSONField"):
            adapters.append(lambda value, f=f: f.get_db_prep_save(value, connection))
        else:
            adapters.append(None)
    adapted = [(i, a) for i, a in enumerate(adapters) if a is not None]
    if adapted:
        converted = []
        for row in rows:
            row = list(row)
            for i, adapter in adapted:
                row[i] = adapter(row[i])
            converted.append(row)
        rows = converted
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])
    return len(rows)


@contextlib.contextmanager
def sqlite_cache(kib=SQLITE_CACHE_KIB):
    """A larger page cache for SQLite while millions of rows go into indexed tables (the
    default 2 MB makes every index insert read pages from disk)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def create_audited(ctx, model, rows, describe):
    """What ctx.create() and ctx.flush_audit() do (the rows, and one 'create' audit row each
    by the demo actor with the row's audited fields), for a few hundred thousand tickets:
    `rows` are {attname: value} of the fields that differ from their defaults, inserted as
    plain rows without model instances (several times faster than bulk_create() of a model
    of forty fields). `describe(row)` is the row's str(). Returns the new primary keys."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db.models import Max

    from itportal.core.context import current_request_id, current_source
    from itportal.core.models import ObjectChange

    if not rows:
        return []
    opts = model._meta
    fields = opts.concrete_fields
    now = clock.now()
    defaults = {f.attname: f.get_default() for f in fields}
    defaults.update(created=now, updated=now)
    skip = set(getattr(model, "audit_exclude", ()))
    audited = [(f.name, f.attname) for f in fields if not f.primary_key and f.name not in skip]
    # Times in UTC, as the row reads back (and as the services' audit rows show them).
    moments = [f.attname for f in fields if f.get_internal_type() == "DateTimeField"]
    first = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
    pks = list(range(first, first + len(rows)))
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
    source, request_id = current_source()[:50], current_request_id()
    table, audit = [], []
    for pk, values in zip(pks, rows, strict=True):
        row = {**defaults, **values, opts.pk.attname: pk}
        for name in moments:
            if row[name] is not None:
                row[name] = row[name].astimezone(dt.UTC)
        table.append(tuple(row[f.attname] for f in fields))
        audit.append(
            (
                now,
                ctx.actor,
                source,
                request_id,
                ObjectChange.Action.CREATE,
                content_type,
                str(pk),
                describe(row)[:200],
                {},
                {name: row[attname] for name, attname in audited},
            )
        )
    insert(model, [f.name for f in fields], table)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)
    columns = ("time", "actor", "source", "request_id", "action", "content_type", "object_id")
    insert(ObjectChange, (*columns, "object_repr", "before", "after"), audit)
    ctx.created[model] += len(rows)
    return pks
