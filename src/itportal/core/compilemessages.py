"""Compile the portal's translation catalogues (django.po → django.mo) without GNU gettext.

    python -m itportal.core.compilemessages          # compile every catalogue
    python -m itportal.core.compilemessages --check  # exit 1 if a .mo is stale or missing

The compiled .mo files are committed, so a machine without GNU gettext (msgfmt) still serves
translated pages; this module needs only polib (a dev dependency). Like msgfmt, it leaves
fuzzy and untranslated entries out of the .mo, and it reports them.
"""

import argparse
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues(locale_dir=LOCALE_DIR):
    """Every django.po below locale_dir, sorted."""
    return sorted(Path(locale_dir).glob("*/LC_MESSAGES/django.po"))


def compile_catalogue(po_path):
    """The .mo bytes of one .po file, as polib compiles them."""
    import polib

    return polib.pofile(str(po_path)).to_binary()


def translations(catalogue):
    """msgid → msgstr of a polib catalogue (.po or .mo), as the .mo would serve them.

    Plural entries map (msgid, msgid_plural) → tuple of the plural forms; the header
    entry (msgid "") is left out. Fuzzy, obsolete and untranslated .po entries are left out,
    as in a compiled catalogue."""
    result = {}
    for entry in catalogue:
        # .mo entries have no translated(): a compiled catalogue holds only translations.
        if hasattr(entry, "translated") and not entry.translated():
            continue
        if entry.msgid_plural:
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
            result[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            result[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return result


def problems(po_path):
    """Human-readable notes on entries a compiled catalogue will not translate."""
    import polib

    po = polib.pofile(str(po_path))
    notes = []
    if po.metadata_is_fuzzy:
        notes.append("the header is marked fuzzy")
    notes += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    notes += [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    return notes


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m itportal.core.compilemessages")
    parser.add_argument(
        "--check", action="store_true", help="compile nothing; exit 1 if a .mo is out of date"
    )
    parser.add_argument(
        "--locale-dir", type=Path, default=LOCALE_DIR, help="default: the package's locale/"
    )
    args = parser.parse_args(argv)

    found = catalogues(args.locale_dir)
    if not found:
        print(f"No django.po files under {args.locale_dir}.", file=sys.stderr)
        return 1
    stale = []
    for po_path in found:
        mo_path = po_path.with_suffix(".mo")
        binary = compile_catalogue(po_path)
        current = mo_path.read_bytes() if mo_path.exists() else None
        for note in problems(po_path):
            print(f"{po_path}: {note}", file=sys.stderr)
        if args.check:
            if current != binary:
                stale.append(mo_path)
                print(f"{mo_path}: out of date; run `make messages`.", file=sys.stderr)
            continue
        if current != binary:
            mo_path.write_bytes(binary)
            print(f"Compiled {po_path} → {mo_path.name}")
        else:
            print(f"Up to date: {mo_path}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
