"""A select box rendered in Python instead of one template per option.

Django renders every <option> through a template (`select_option.html` and `attrs.html`), which
costs about 0.1 ms an option: the service desk queue's filter and bulk forms list every agent
twice, some 800 options on a large desk, and spent more time there than on the table. FastSelect
writes the same HTML (tested against Django's own rendering) with format_html.
"""

from django import forms
from django.utils.html import format_html, format_html_join


def _attrs(attrs):
    """Attributes in their order, as django/forms/widgets/attrs.html writes them: True alone,
    False left out (flatatt would move the booleans to the end)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


def _option(option):
    return format_html(
        '<option value="{}"{}>{}</option>',
        "" if option["value"] is None else str(option["value"]),
        _attrs(option["attrs"]),
        option["label"],
    )


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            inner = format_html_join("", "{}", ((_option(o),) for o in options))
            if group_name:
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, inner))
            else:
                parts.append(inner)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            format_html_join("", "{}", ((part,) for part in parts)),
        )


def speed_up(field):
    """Render the field's plain Select as a FastSelect (same HTML, a fraction of the time)."""
    if type(field.widget) is forms.Select:
        field.widget.__class__ = FastSelect
