"""Reads that are more than a filter."""


def unit_tree(organisations, units):
    """[(organisation, [root nodes])] where a node is (unit, [child nodes]); two queries."""
    children = {}
    roots = {}
    for unit in (
        units.select_related("manager")
        .only(
            "id",
            "name",
            "kind",
            "parent_id",
            "organisation_id",
            "headcount",
            "path",
            "depth",
            "manager__first_name",
            "manager__last_name",
        )
        .order_by("path")
    ):
        node = (unit, [])
        children[unit.pk] = node[1]
        if unit.parent_id in children:
            children[unit.parent_id].append(node)
        else:
            roots.setdefault(unit.organisation_id, []).append(node)
    return [(org, roots.get(org.pk, [])) for org in organisations]
