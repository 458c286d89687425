"""CSV and XLSX files of rows, safe to open in a spreadsheet."""

import tablib
from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value):
    """A text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP's
    advice against CSV injection); numbers and other values are kept as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def dataset(headers, rows):
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append([safe_cell(value) for value in row])
    return data


def file_response(data, fmt, filename):
    body = data.export(fmt)
    if fmt == "csv":
        body = "\ufeff" + body  # so that Excel reads Å, Ä and Ö right
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def table_response(table, fmt, filename):
    """The table's rows (all pages, the chosen columns) as a file."""
    rows = iter(table.as_values(exclude_columns=("actions",)))
    headers = next(rows)
    return file_response(dataset(headers, rows), fmt, filename)
