"""A server-rendered SVG picture of an impact analysis (`graph.Impact`), no JavaScript.

Layout: deterministic and layered by distance. The analysed system sits in its own column, its
dependents in one column block per distance to the right (information flows left to right),
and — when asked for — what it depends on in blocks to the left. A block with many systems wraps
into several sub-columns, so 200 systems stay readable. Within a block, systems follow the
order of the system they were reached from, then their name, which keeps edges short.

Nodes are rounded rectangles with a label cut to `LABEL_MAX` characters; the full name, the
distance and the lifecycle phase are in the node's <title> (a tooltip). Edges are arrows in the
direction of the flow; flows that lead back to an earlier or the same column (cycles) are drawn
as dashed curves. Beyond `MAX_EDGES` only the shortest-path tree is drawn, and beyond
`MAX_NODES` only the nearest systems (the page's tables list everything).

Accessibility: role="img" with aria-labelledby pointing at the <title> and <desc>; text and
strokes keep WCAG 2.1 AA contrast (text ≥ 4.5:1, graphics ≥ 3:1) on a white background.
"""

import dataclasses
import math
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from itportal.registry.choices import Lifecycle
from itportal.registry.graph import INFORMATION, SOURCE, TARGET

NODE_W, NODE_H = 180, 28
ROW_PITCH = NODE_H + 10
SUBCOL_GAP = 20
LAYER_GAP = 80
MARGIN = 16
HEADER_H = 28
MIN_ROWS = 25  # a block wraps into sub-columns beyond this many rows (more for huge blocks)
LABEL_MAX = 24
MAX_EDGES = 400
MAX_NODES = 250  # beyond this many systems only the nearest are drawn
BACK_DROP = 40  # how far below the nodes the curves of backward flows reach, at most
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

# (fill, stroke, text): text on fill ≥ 8.9:1, strokes on white ≥ 8.2:1.
ROOT_STYLE = ("#0b4f6c", "#0b4f6c", "#ffffff")
DOWN_STYLE = ("#ffffff", "#0b4f6c", "#1b1b1b")
UP_STYLE = ("#f4f0fa", "#5b3f8c", "#1b1b1b")
TREE_EDGE = "#33414e"  # 10.5:1 on white
OTHER_EDGE = "#5c6770"  # 5.8:1 on white
TEXT = "#1b1b1b"
INACTIVE_PHASES = {Lifecycle.DECOMMISSIONING, Lifecycle.RETIRED}


def label(name, limit=LABEL_MAX):
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _attr(value):
    return escape(str(value), quote=True)


def _layers(result):
    """{column: [nodes]}: 0 the root, +d dependents at distance d, -d upstream at distance d."""
    layers = {0: [result.root]}
    for node in result.systems:
        layers.setdefault(node.distance, []).append(node)
    for node in result.upstream:
        layers.setdefault(-node.distance, []).append(node)
    # Order each block by the position of the node it was reached from, then by name.
    position = {result.root.id: 0}
    for column in sorted(layers, key=abs):
        if column == 0:
            continue
        nodes = layers[column]
        nodes.sort(key=lambda n: (position.get(n.via, 0), n.name.lower(), n.id))
        for index, node in enumerate(nodes):
            position[node.id] = index
    return layers


def _rows_for(count):
    """Rows per sub-column of a block: at least MIN_ROWS, about square for huge blocks."""
    return min(count, max(MIN_ROWS, math.ceil(math.sqrt(count * NODE_W / ROW_PITCH))))


def layout(result):
    """(positions, block headers [(column, x, width)], width, height).

    positions: {id: (x, y, column, left and right edge of the node's block)}.
    """
    layers = _layers(result)
    blocks = []
    for column in sorted(layers):
        nodes = layers[column]
        rows = _rows_for(len(nodes))
        subcols = math.ceil(len(nodes) / rows)
        rows = math.ceil(len(nodes) / subcols)  # balance the sub-columns
        blocks.append((column, nodes, rows, subcols))
    tallest = max(rows for _c, _n, rows, _s in blocks)
    body_h = tallest * ROW_PITCH - (ROW_PITCH - NODE_H)
    positions, headers = {}, []
    x = MARGIN
    for column, nodes, rows, subcols in blocks:
        block_w = subcols * NODE_W + (subcols - 1) * SUBCOL_GAP
        top = MARGIN + HEADER_H + (body_h - (rows * ROW_PITCH - (ROW_PITCH - NODE_H))) // 2
        for index, node in enumerate(nodes):
            subcol, row = divmod(index, rows)
            positions[node.id] = (
                x + subcol * (NODE_W + SUBCOL_GAP),
                top + row * ROW_PITCH,
                column,
                x,
                x + block_w,
            )
        headers.append((column, x, block_w))
        x += block_w + LAYER_GAP
    width = x - LAYER_GAP + MARGIN
    height = MARGIN + HEADER_H + body_h + MARGIN + BACK_DROP  # room for curves under the nodes
    return positions, headers, width, height


def _header_text(column):
    if column == 0:
        return _("Analysed system")
    if column > 0:
        return _("Distance %(n)s") % {"n": column}
    return _("Upstream %(n)s") % {"n": -column}


def _tree_pairs(result):
    pairs = {(node.via, node.id) for node in result.systems}
    pairs |= {(node.id, node.via) for node in result.upstream}
    return pairs


def _edge_pairs(result):
    """{(source, target): [edge]} for the edges drawn, and whether some were left out."""
    pairs = {}
    for edge in result.edges:
        pairs.setdefault((edge[SOURCE], edge[TARGET]), []).append(edge)
    if len(pairs) <= MAX_EDGES:
        return pairs, False
    tree = _tree_pairs(result)
    return {k: v for k, v in pairs.items() if k in tree}, True


def visible(result, max_nodes=MAX_NODES):
    """The part of `result` drawn: the root and the nearest systems, at most `max_nodes`.

    Systems come by distance, so the system each one was reached from is drawn too. Upstream
    systems get at most a quarter of the room when there are more systems than fit.
    """
    if max_nodes is None or 1 + len(result.systems) + len(result.upstream) <= max_nodes:
        return result
    room = max_nodes - 1
    upstream = result.upstream[: min(len(result.upstream), room // 4)]
    systems = result.systems[: room - len(upstream)]
    kept = {result.root.id, *(n.id for n in systems), *(n.id for n in upstream)}
    edges = [e for e in result.edges if e[SOURCE] in kept and e[TARGET] in kept]
    return dataclasses.replace(result, systems=systems, upstream=upstream, edges=edges)


def _description(result, drawn, edges_cut):
    root = result.root.name
    count = len(result.systems)
    if count:
        text = ngettext(
            "%(count)s system depends on %(root)s, directly or through other systems, "
            "at up to %(max)s steps.",
            "%(count)s systems depend on %(root)s, directly or through other systems, "
            "at up to %(max)s steps.",
            count,
        ) % {"count": count, "root": root, "max": result.max_distance}
    else:
        text = _("No system depends on %(root)s through active integrations.") % {"root": root}
    if result.upstream:
        text += " " + ngettext(
            "%(root)s depends on %(count)s system, shown to the left.",
            "%(root)s depends on %(count)s systems, shown to the left.",
            len(result.upstream),
        ) % {"count": len(result.upstream), "root": root}
    text += " " + _("Arrows show the direction in which information flows.")
    if drawn is not result:
        text += " " + _(
            "The picture shows the %(drawn)s nearest of %(count)s systems; "
            "the impact page lists all."
        ) % {
            "drawn": len(drawn.systems) + len(drawn.upstream),
            "count": count + len(result.upstream),
        }
    if edges_cut:
        text += " " + _(
            "Only the integrations on the shortest paths are drawn; the impact page lists all."
        )
    return text


def render(result, *, id_prefix=None, max_nodes=MAX_NODES):
    """The SVG document (a string) of an impact analysis; `max_nodes=None` draws every system."""
    prefix = id_prefix or f"impact-{result.root.id}"
    full, result = result, visible(result, max_nodes)
    positions, headers, width, height = layout(result)
    nodes = result.by_id()
    pairs, edges_cut = _edge_pairs(result)
    tree = _tree_pairs(result)
    phases = {value: str(label) for value, label in Lifecycle.choices}
    title = _("Impact of %(system)s") % {"system": result.root.name}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="{_attr(FONT)}" font-size="12">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(_description(full, result, edges_cut))}</desc>',
        "<defs>",
    ]
    for name, colour in (("tree", TREE_EDGE), ("other", OTHER_EDGE)):
        out.append(
            f'<marker id="{prefix}-arrow-{name}" viewBox="0 0 10 10" refX="10" refY="5" '
            f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    out.append(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    for column, x, block_w in headers:
        out.append(
            f'<text x="{x + block_w // 2}" y="{MARGIN + 16}" text-anchor="middle" '
            f'font-weight="600" font-size="13" fill="{TEXT}">{escape(_header_text(column))}</text>'
        )

    out.append('<g class="edges" fill="none">')
    for (source, target), edges in sorted(pairs.items()):
        sx, sy, source_column, _left, block_right = positions[source]
        tx, ty, target_column, block_left, _right = positions[target]
        is_tree = (source, target) in tree
        colour, marker = (TREE_EDGE, "tree") if is_tree else (OTHER_EDGE, "other")
        if target_column > source_column:  # forward: right side to left side
            x1, y1, x2, y2 = sx + NODE_W, sy + NODE_H / 2, tx, ty + NODE_H / 2
            start = f"M{x1},{y1}"
            if x1 < block_right:
                # Not in the block's last sub-column: leave through the gap above the row,
                # so the line does not seem to enter the boxes to its right.
                gap_x, gap_y = x1 + SUBCOL_GAP / 2, sy - (ROW_PITCH - NODE_H) / 2
                start += f" Q{gap_x},{y1} {gap_x},{gap_y} H{block_right}"
                x1, y1 = block_right, gap_y
            end = ""
            if x2 > block_left:  # likewise into a sub-column other than the first
                gap_x, gap_y = x2 - SUBCOL_GAP / 2, ty - (ROW_PITCH - NODE_H) / 2
                end = f" H{gap_x} Q{gap_x},{y2} {x2},{y2}"
                x2, y2 = block_left, gap_y
            bend = min(40, (x2 - x1) / 2)
            d = f"{start} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}{end}"
            dash = ""
        else:  # back to an earlier or the same column: a dashed curve under the nodes
            x1, y1 = sx + NODE_W / 2, sy + NODE_H
            x2, y2 = tx + NODE_W / 2, ty + NODE_H
            drop = min(BACK_DROP, 18 + abs(x1 - x2) / 20)
            d = f"M{x1},{y1} C{x1},{max(y1, y2) + drop} {x2},{max(y1, y2) + drop} {x2},{y2}"
            dash = ' stroke-dasharray="5 3"'
        info = "; ".join(e[INFORMATION] for e in edges)
        tip = f"{nodes[source].name} → {nodes[target].name}: {info}"
        out.append(
            f'<path d="{d}" stroke="{colour}" stroke-width="{1.5 if is_tree else 1}"{dash} '
            f'marker-end="url(#{prefix}-arrow-{marker})"><title>{escape(tip)}</title></path>'
        )
    out.append("</g>")

    out.append('<g class="nodes">')
    for node in [result.root, *result.systems, *result.upstream]:
        x, y, _column, _left, _right = positions[node.id]
        if node is result.root:
            fill, stroke, text = ROOT_STYLE
        else:
            fill, stroke, text = UP_STYLE if node.upstream else DOWN_STYLE
        dash = ' stroke-dasharray="4 2"' if node.lifecycle in INACTIVE_PHASES else ""
        phase = phases.get(node.lifecycle, "")
        if node is result.root:
            tip = node.name
        elif node.upstream:
            tip = _("%(name)s – %(root)s depends on it (distance %(n)s)") % {
                "name": node.name,
                "root": result.root.name,
                "n": node.distance,
            }
        else:
            tip = _("%(name)s – depends on %(root)s (distance %(n)s, via %(via)s)") % {
                "name": node.name,
                "root": result.root.name,
                "n": node.distance,
                "via": nodes[node.via].name if node.via in nodes else "",
            }
        if phase:
            tip += f"; {phase}"
        out.append(
            f'<g data-system="{node.id}"><title>{escape(tip)}</title>'
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6" ry="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
            f'<text x="{x + 8}" y="{y + 18}" fill="{text}">{escape(label(node.name))}</text></g>'
        )
    out.append("</g></svg>")
    return "\n".join(out)
