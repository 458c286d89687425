"""Swedish by default, English on request: the catalogue, its compiled form, and the pages.

The test environment sets ITPORTAL_LANGUAGE=en (other tests assert English), so the tests
here that need the Swedish default say so with override_settings(LANGUAGE_CODE="sv").
"""

import ast
import datetime
import re
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import formats, translation

from itportal.core import compilemessages

PACKAGE_DIR = Path(__file__).resolve().parents[2]
PO_PATH = PACKAGE_DIR / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

NBSP = "\xa0"


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


# --- the catalogue -------------------------------------------------------------------------

PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]"  # %(name)s, %.1f, %%
    r"|\{\{\s*\w+\s*\}\}"  # {{ name }}
    r"|\{\w*\}"  # {name} (str.format)
)


def placeholders(text):
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%")


def test_the_header_declares_swedish_utf8_and_two_plural_forms(po):
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "sv"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in po.metadata["Content-Type"]


def test_every_entry_is_translated_and_not_fuzzy(po):
    active = [e for e in po if not e.obsolete]
    assert active, "the catalogue is empty; run `make messages`"
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.untranslated_entries()] == []
    for entry in active:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
            assert all(form.strip() for form in entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


def test_translations_keep_the_placeholders_of_their_msgid(po):
    wrong = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, target in pairs:
            if placeholders(source) != placeholders(target):
                wrong.append((source, target))
    assert wrong == []


def test_the_compiled_catalogue_is_up_to_date_with_the_po_file(po, tmp_path):
    """Compares msgid → msgstr, not bytes: another polib or msgfmt may lay the file out
    differently."""
    fresh = tmp_path / "fresh.mo"
    fresh.write_bytes(po.to_binary())
    assert MO_PATH.exists(), "django.mo is missing; run `make messages`"
    committed = polib.mofile(str(MO_PATH))
    expected = polib.mofile(str(fresh))
    stale = "django.mo is stale; run `make messages` (or python -m itportal.core.compilemessages)"
    assert compilemessages.translations(committed) == compilemessages.translations(expected), stale
    assert committed.metadata.get("Plural-Forms") == po.metadata["Plural-Forms"]
    assert compilemessages.translations(expected) == compilemessages.translations(po)


def test_django_serves_the_swedish_catalogue():
    with translation.override("sv"):
        assert translation.gettext("Log in") == "Logga in"
        assert translation.gettext("Units") == "Enheter"
        assert translation.ngettext("%(counter)s row", "%(counter)s rows", 1) == "%(counter)s rad"
        assert translation.ngettext("%(counter)s row", "%(counter)s rows", 2) == "%(counter)s rader"
    with translation.override("en"):
        assert translation.gettext("Units") == "Units"


# --- everything makemessages would extract is in the catalogue ------------------------------
# A simple stand-in for makemessages (which needs GNU gettext): template tags by regex, Python
# calls with the ast module. Keys are (msgctxt, msgid, msgid_plural).

GETTEXT_FUNCTIONS = {
    # name: (index of the context argument or None, index of msgid, index of msgid_plural)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}

TRANSLATE_TAG = re.compile(
    r"""\{%\s*trans(?:late)?\s+(?P<q>["'])(?P<msgid>.*?)(?P=q)"""
    r"""(?:[^%]*?\bcontext\s+(?P<cq>["'])(?P<context>.*?)(?P=cq))?[^%]*%\}"""
)
BLOCK_TAG = re.compile(
    r"\{%\s*blocktrans(?:late)?\b(?P<options>.*?)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}",
    re.DOTALL,
)
PLURAL_TAG = re.compile(r"\{%\s*plural\s*%\}")
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
TEMPLATE_UNDERSCORE = re.compile(r"""\b_\((?P<q>["'])(?P<msgid>.*?)(?P=q)\)""")
CONTEXT_OPTION = re.compile(r"""\bcontext\s+(?P<q>["'])(?P<context>.*?)(?P=q)""")


def _block_message(text, trimmed):
    if trimmed:
        text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return TEMPLATE_VARIABLE.sub(r"%(\1)s", text.replace("%", "%%"))


def template_messages(text):
    found = set()
    for m in TRANSLATE_TAG.finditer(text):
        found.add((m.group("context"), m.group("msgid"), None))
    for m in TEMPLATE_UNDERSCORE.finditer(text):
        found.add((None, m.group("msgid"), None))
    for m in BLOCK_TAG.finditer(text):
        options = m.group("options")
        context = CONTEXT_OPTION.search(options)
        parts = PLURAL_TAG.split(m.group("body"))
        trimmed = re.search(r"\btrimmed\b", options) is not None
        singular = _block_message(parts[0], trimmed)
        plural = _block_message(parts[1], trimmed) if len(parts) > 1 else None
        found.add((context.group("context") if context else None, singular, plural))
    return found


def python_messages(source, filename):
    found, not_literal = set(), []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in GETTEXT_FUNCTIONS:
            continue
        context_at, msgid_at, plural_at = GETTEXT_FUNCTIONS[name]

        def literal(index, node=node):
            if index is None or index >= len(node.args):
                return None
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                return arg.value
            if isinstance(arg, ast.JoinedStr):  # an f-string is never found in the catalogue
                not_literal.append(f"{filename}:{node.lineno}")
            return None

        msgid = literal(msgid_at)
        if msgid:
            found.add((literal(context_at), msgid, literal(plural_at)))
    return found, not_literal


def source_files(*suffixes):
    for path in sorted(PACKAGE_DIR.rglob("*")):
        parts = path.relative_to(PACKAGE_DIR).parts
        hidden = any(p.startswith(".") or p == "__pycache__" for p in parts)
        if path.suffix in suffixes and not hidden and parts[0] != "locale":
            yield path


def test_the_extractor_understands_the_template_tags_in_use():
    text = (
        "{% translate \"Log in\" %}{% trans 'Main menu' as menu %}"
        '{% translate "May" context "month" %}{{ _("Yes") }}'
        "{% blocktranslate with name=x %}Add {{ name }}{% endblocktranslate %}"
        "{% blocktranslate count counter=n %}{{ counter }} row{% plural %}"
        "{{ counter }} rows{% endblocktranslate %}"
        "{% blocktrans trimmed %}\n  50% of\n  {{ n }} rows\n{% endblocktrans %}"
    )
    assert template_messages(text) == {
        (None, "Log in", None),
        (None, "Main menu", None),
        ("month", "May", None),
        (None, "Yes", None),
        (None, "Add %(name)s", None),
        (None, "%(counter)s row", "%(counter)s rows"),
        (None, "50%% of %(n)s rows", None),
    }
    found, _ = python_messages(
        'x = _("One" " two")\ny = ngettext_lazy("a", "b", n)\nz = pgettext("c", "d")',
        "example.py",
    )
    assert found == {(None, "One two", None), (None, "a", "b"), ("c", "d", None)}


def test_every_message_in_the_code_and_templates_is_in_the_catalogue(po):
    catalogue = {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in po if not e.obsolete}
    wanted, f_strings = {}, []
    for path in source_files(".html", ".txt"):
        for key in template_messages(path.read_text(encoding="utf-8")):
            wanted.setdefault(key, str(path.relative_to(PACKAGE_DIR)))
    for path in source_files(".py"):
        found, not_literal = python_messages(path.read_text(encoding="utf-8"), str(path))
        f_strings += not_literal
        for key in found:
            wanted.setdefault(key, str(path.relative_to(PACKAGE_DIR)))
    assert len(wanted) > 100  # the scan found the portal's messages at all
    missing = sorted(
        f"{where}: {key[1]!r}" for key, where in wanted.items() if key not in catalogue
    )
    assert missing == [], "not in django.po; run `make messages` and translate"
    assert f_strings == [], "gettext of an f-string is never translated"


# --- pages ----------------------------------------------------------------------------------


def html_lang(response):
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    return match and match.group(1)


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="sv")
def test_the_login_page_is_swedish_by_default_and_english_on_request(client):
    page = client.get("/login/")
    text = page.content.decode()
    assert page.status_code == 200
    assert html_lang(page) == "sv"
    assert "<title>Logga in – " in text
    assert "Användarnamn" in text and "Lösenord" in text
    assert "Hoppa till innehållet" in text and ">Ändra</button>" in text
    assert "Log in" not in text and "Password" not in text

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert switched.status_code == 302 and switched["Location"] == "/login/"
    page = client.get("/login/")
    text = page.content.decode()
    assert html_lang(page) == "en"
    assert "<title>Log in – " in text
    assert "Username" in text and "Password" in text
    assert "Logga in" not in text


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="sv")
def test_a_list_page_is_swedish_by_default_and_english_after_switching(client_for, org):
    client = client_for("admin")
    page = client.get("/org/units/")
    text = page.content.decode()
    assert page.status_code == 200
    assert html_lang(page) == "sv"
    assert "<title>Enheter – " in text
    assert ">Organisation</a>" in text and ">Leverantörer</a>" in text  # the menu
    assert "Lägg till enhet" in text and "Filtrera" in text
    assert "Förvaltning" in text  # a unit's kind, from the choices
    assert "Antal anställda" in text  # a column header, from the model field
    assert "Logga ut" in text

    assert client.post("/i18n/setlang/", {"language": "en", "next": "/org/units/"}).status_code
    page = client.get("/org/units/")
    text = page.content.decode()
    assert html_lang(page) == "en"
    assert "<title>Org units – " in text
    assert ">Vendors</a>" in text and "Add org unit" in text and "Administration" in text
    assert "Log out" in text
    assert "Enheter" not in text and "Logga ut" not in text

    # …and back again.
    client.post("/i18n/setlang/", {"language": "sv", "next": "/org/units/"})
    assert html_lang(client.get("/org/units/")) == "sv"


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="sv")
def test_the_browser_language_wins_over_the_default(client):
    page = client.get("/login/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert html_lang(page) == "en"
    assert "<title>Log in – " in page.content.decode()


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="sv")
def test_the_home_page_greets_in_swedish(client_for, org):
    text = client_for("admin").get("/").content.decode()
    assert "Välkommen," in text
    assert "Dina roller: IT-administratör" in text
    assert "Bläddra i organisationsträdet" in text


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="sv")
def test_the_error_pages_are_swedish(client_for, org):
    forbidden = client_for("employee").get("/core/changes/")
    assert forbidden.status_code == 403
    assert html_lang(forbidden) == "sv"
    assert "Ingen behörighet" in forbidden.content.decode()
    missing = client_for("admin").get("/org/no-such-page/")
    assert missing.status_code == 404
    assert "Sidan hittades inte" in missing.content.decode()


# --- formats --------------------------------------------------------------------------------


def test_numbers_are_formatted_the_swedish_way():
    with translation.override("sv"):
        grouped = formats.number_format(1234567.5, 1, use_l10n=True, force_grouping=True)
        assert grouped == f"1{NBSP}234{NBSP}567,5"
        # USE_THOUSAND_SEPARATOR is off: without force_grouping there is no grouping.
        assert formats.number_format(1234567.5, 1, use_l10n=True) == "1234567,5"
        # intcomma (the home page's counts) groups all the same.
        rendered = Template("{% load humanize %}{{ n|intcomma }}|{{ x }}").render(
            Context({"n": 7500, "x": 2.5})
        )
        assert rendered == f"7{NBSP}500|2,5"
    with translation.override("en"):
        assert formats.number_format(1234567.5, 1, use_l10n=True, force_grouping=True) == (
            "1,234,567.5"
        )


def test_dates_are_formatted_the_swedish_way():
    day = datetime.date(2026, 11, 29)
    moment = datetime.datetime(2026, 11, 29, 14, 5)
    with translation.override("sv"):
        assert formats.date_format(day) == "29 november 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "2026-11-29"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-11-29 14:05"
        assert formats.date_format(day, "l") == "söndag"
        assert Template("{{ d }}").render(Context({"d": day})) == "29 november 2026"
    with translation.override("en"):
        assert formats.date_format(day) == "Nov. 29, 2026"
