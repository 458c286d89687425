"""FastSelect writes the HTML Django's Select writes, option for option."""

import re

import pytest
from django import forms

from itportal.core.widgets import FastSelect, speed_up


def same(html):
    """Django's templates put line breaks between options; the browser ignores them."""
    return re.sub(r">\s+<", "><", html.strip())


CHOICES = [
    ("", "---------"),
    ("a", "Åsa & <Bo>"),
    ("b", 'Citat "x"'),
    (3, "Tre"),
    ("Grupp <1>", [("g1", "Ett"), ("g2", "Två")]),
]


@pytest.mark.parametrize("value", [None, "", "a", "3", "g2", "nothing"])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "form-select", "id": "id_x", "required": True, "disabled": False}]
)
def test_it_renders_what_djangos_select_renders(value, attrs):
    django = forms.Select(choices=CHOICES).render("x", value, attrs)
    fast = FastSelect(choices=CHOICES).render("x", value, attrs)

    assert fast == same(django)


@pytest.mark.django_db
def test_it_renders_a_model_choice_field_like_django(org):
    from itportal.organisation.models import OrgUnit

    class Form(forms.Form):
        unit = forms.ModelChoiceField(OrgUnit.objects.order_by("name"), empty_label="Ingen")

    chosen = OrgUnit.objects.order_by("name")[1].pk
    plain = str(Form(initial={"unit": chosen})["unit"])
    form = Form(initial={"unit": chosen})
    speed_up(form.fields["unit"])
    fast = str(form["unit"])

    assert type(form.fields["unit"].widget) is FastSelect
    assert fast == same(plain)
    assert f'<option value="{chosen}" selected>' in fast


def test_it_leaves_other_widgets_alone():
    field = forms.MultipleChoiceField(choices=[("a", "A")])
    speed_up(field)
    assert type(field.widget) is forms.SelectMultiple
