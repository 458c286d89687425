"""Small server-rendered SVG charts for the cost KPI and benchmarking pages, no JavaScript.

Each chart is an <svg role="img"> labelled by its <title> and <desc> (the desc states the
numbers in words); the pages show the same numbers as a table beside it. Colours keep WCAG 2.1
AA contrast on white: text ≥ 4.5:1, bars ≥ 3:1; series differ by more than colour (position in
the stack, a legend; our own bar is also labelled in words).
"""

from decimal import Decimal
from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from itportal.core.display import number

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
TEXT = "#1b1b1b"
GRID = "#c8ccd0"
PRIMARY = "#0b4f6c"  # 9.0:1 on white
SECONDARY = "#a34f00"  # 5.4:1 on white
PEER = "#5c6770"  # 5.8:1 on white
OURS = "#b02a37"  # 6.4:1 on white


def _attr(value):
    return escape(str(value), quote=True)


def nice_ceiling(value):
    """The smallest of 1, 2, 2.5, 5 × 10^n at or above `value` (at least 1)."""
    value = float(value)
    if value <= 1:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _tick_label(value):
    value = Decimal(str(value))
    return number(value, 0 if value == value.to_integral_value() else 1)


def _open(width, height, prefix, title, description):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width: {width}px" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" font-family="{_attr(FONT)}" '
        f'font-size="12">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def year_bars(*, title, description, years, series, decimals=0, prefix="trend"):
    """Vertical bars per year; several series are stacked (bottom first).

    series: [(label, colour, [value or None per year])]. Returns safe SVG markup, or "" when
    there is nothing to draw.
    """
    if not years:
        return ""
    totals = [
        sum((max(Decimal(s[2][i] or 0), Decimal(0)) for s in series), Decimal(0))
        for i in range(len(years))
    ]
    width, height = 640, 260
    left, right, top, bottom = 72, 16, 16 + 20 * (len(series) > 1), 40
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = nice_ceiling(max(totals) if totals else 1)
    slot = plot_w / len(years)
    bar_w = min(64, slot * 0.6)

    def y(value):
        return top + plot_h - float(value) / y_max * plot_h

    out = _open(width, height, prefix, title, description)
    out.append(f'<g font-size="11" fill="{TEXT}">')
    for tick in (0, y_max / 2, y_max):
        ty = round(y(tick), 1)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty}" y2="{ty}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{ty}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(_tick_label(tick))}</text>"
        )
    out.append("</g>")
    if len(series) > 1:
        x = left
        for label, colour, _values in series:
            out.append(
                f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
                f'<text x="{x + 16}" y="14" fill="{TEXT}">{escape(label)}</text>'
            )
            x += 24 + 7 * len(label)
    for i, year in enumerate(years):
        cx = left + slot * i + slot / 2
        base = Decimal(0)
        for label, colour, values in series:
            value = max(Decimal(values[i] or 0), Decimal(0))
            if value:
                y_top, y_bottom = y(base + value), y(base)
                tip = f"{year}, {label}: {number(value, decimals)}"
                out.append(
                    f'<rect x="{round(cx - bar_w / 2, 1)}" y="{round(y_top, 1)}" '
                    f'width="{round(bar_w, 1)}" height="{round(y_bottom - y_top, 1)}" '
                    f'fill="{colour}"><title>{escape(tip)}</title></rect>'
                )
            base += value
        out.append(
            f'<text x="{round(cx, 1)}" y="{height - bottom + 16}" text-anchor="middle" '
            f'fill="{TEXT}">{year}</text>'
            f'<text x="{round(cx, 1)}" y="{round(y(totals[i]) - 4, 1)}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT}">{escape(number(totals[i], decimals))}</text>'
        )
    out.append("</svg>")
    return mark_safe("\n".join(out))


def ranked_bars(*, title, description, rows, decimals=0, prefix="benchmark"):
    """Horizontal bars sorted by value, lowest first; our own bar highlighted and labelled.

    rows: [(label, value, is_ours)]. Returns safe SVG markup, or "" without rows.
    """
    if not rows:
        return ""
    rows = sorted(rows, key=lambda r: (r[1], not r[2], r[0]))
    label_w, right, top, bar_h, gap = 190, 90, 8, 18, 6
    width = 640
    height = top * 2 + len(rows) * (bar_h + gap)
    plot_w = width - label_w - right
    top_value = max((max(Decimal(r[1]), Decimal(0)) for r in rows), default=Decimal(1))
    scale = nice_ceiling(top_value)
    ours_word = _("us")
    out = _open(width, height, prefix, title, description)
    for i, (label, value, is_ours) in enumerate(rows):
        y = top + i * (bar_h + gap)
        shown = label if len(label) <= 28 else label[:27] + "…"
        if is_ours:
            shown = f"{shown} ({ours_word})"
        colour = OURS if is_ours else PEER
        weight = ' font-weight="700"' if is_ours else ""
        w = round(max(float(value), 0) / scale * plot_w, 1)
        out.append(
            f"<g><title>{escape(label)}: {escape(number(value, decimals))}</title>"
            f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end" fill="{TEXT}"{weight}>'
            f"{escape(shown)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 13}" fill="{TEXT}"{weight}>'
            f"{escape(number(value, decimals))}</text></g>"
        )
    out.append("</svg>")
    return mark_safe("\n".join(out))
