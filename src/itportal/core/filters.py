from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from itportal.core.widgets import speed_up


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with free-text search `q` over the model's `search_fields`."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields = ()

    def search(self, queryset, name, value):
        words = value.split()
        for word in words[:8]:
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{f}__icontains": word}) for f in self.search_fields))
            )
        return queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            widget = field.widget
            css = (
                "form-select form-select-sm"
                if hasattr(widget, "choices")
                else "form-control form-control-sm"
            )
            if name == "q":
                widget.input_type = "search"
            widget.attrs.setdefault("class", css)
            speed_up(field)
