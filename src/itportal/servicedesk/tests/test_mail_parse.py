"""Parsing incoming e-mail: hand-written messages in tests/mail/ as real clients send them."""

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from itportal.servicedesk.mail_parse import (
    PROBLEM_TOO_LARGE,
    PROBLEM_TYPE_NOT_ALLOWED,
    MalformedMail,
    clean_subject,
    decode_header,
    html_to_text,
    is_auto_reply,
    parse_message,
    strip_quoted,
    ticket_reference,
)

MAIL = Path(__file__).parent / "mail"
ALLOWED = ("application/pdf", "image/*", "text/plain")


def parse(name: str, *, limit: int | None = 10_000_000, allowed=ALLOWED):
    return parse_message(
        (MAIL / name).read_bytes(), max_attachment_bytes=limit, allowed_types=allowed
    )


def test_it_reads_a_plain_utf8_message():
    mail = parse("plain_utf8.eml")

    assert mail.subject == "Skrivaren på plan 3 fungerar inte"
    assert mail.sender == "anna.svensson@lulea.se"
    assert mail.sender_name == "Anna Svensson"
    assert mail.recipients == ("servicedesk@lulea.se", "bo.lind@lulea.se")
    assert mail.message_id == "<CAF1234.5678@mail.lulea.se>"
    assert mail.date == datetime(2026, 3, 3, 8, 15, 2, tzinfo=UTC)
    assert mail.date.tzinfo is not None
    assert mail.text.startswith("Hej!\n\nSkrivaren på plan 3 (Stadshuset) skriver bara ut")
    assert mail.text.endswith("Med vänlig hälsning\nAnna Svensson\nEkonomienheten")
    assert mail.new_text == mail.text
    assert mail.attachments == () and mail.problems == ()
    assert not mail.auto_reply
    assert mail.ticket_reference is None


def test_it_decodes_iso_8859_1_quoted_printable_in_subject_sender_and_body():
    mail = parse("latin1_qp.eml")

    assert mail.subject == "Datorn på kontoret är långsam"
    assert mail.sender_name == "Björn Åström"
    assert mail.text == (
        "Hej!\n\nDatorn på mitt kontor är mycket långsam när jag öppnar Visma. Det tar flera "
        "minuter att logga in.\n\nHälsningar\nBjörn Åström"
    )


def test_it_decodes_windows_1252_with_quotes_dashes_and_the_euro_sign():
    mail = parse("windows1252.eml")

    assert mail.subject == "Begäran – ny skärm"
    assert mail.sender_name == "Lind, Bo"  # a comma in a quoted display name
    assert mail.sender == "bo.lind@lulea.se"
    assert mail.text == "Jag behöver en ny skärm – den gamla “flimrar”. Kostnaden är ca 2 500 €."


def test_a_wrongly_declared_charset_falls_back_without_crashing():
    latin1_as_utf8 = parse("wrong_charset.eml")  # Latin-1 bytes declared as UTF-8
    assert latin1_as_utf8.text == "Kaffeautomaten på plan 2 är trasig igen."
    assert latin1_as_utf8.subject == "Kåffeautomaten är trasig"
    assert latin1_as_utf8.sender_name == "Sjöström Olle"  # raw 8-bit header bytes

    unknown = parse("unknown_charset.eml")  # a charset that does not exist
    assert unknown.text == "Det trådlösa nätet i Kulturens hus är nere."
    assert unknown.subject == "Trådlöst nät"

    utf8_as_latin1 = parse("utf8_declared_latin1.eml")
    assert utf8_as_latin1.text == "Lösenordet går inte att byta."


def test_an_html_only_message_becomes_readable_text():
    mail = parse("html_only.eml")

    assert mail.subject == "VPN fungerar inte hemifrån"  # =?utf-8?b?...?=
    assert mail.text == (
        "Hej!\n\n"
        "VPN:en fungerar inte hemifrån sedan uppdateringen & jag får felet\n"
        '"Anslutningen nekades".\n\n'
        "- Dator: LAP-0042\n"
        "- Nätverk: hemma\n\n"
        "Tack på förhand!\n"
        "Karin"
    )
    assert "alert" not in mail.text and "color" not in mail.text
    assert mail.html.startswith("<html>")


def test_multipart_alternative_with_a_pdf_and_an_inline_image():
    mail = parse("multipart_attachments.eml")

    assert mail.text == (
        "Bifogad faktura går inte att öppna i Adobe Reader.\n\nLars Nilsson\n[Kommunens logotyp]"
    )
    assert "<b>Adobe Reader</b>" in mail.html
    logo, invoice = mail.attachments
    assert (logo.filename, logo.content_type, logo.inline, logo.content_id) == (
        "logo.png",
        "image/png",
        True,
        "logo@kommun",
    )
    assert logo.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert (invoice.filename, invoice.content_type, invoice.inline) == (
        "Faktura mars.pdf",
        "application/pdf",
        False,
    )
    assert invoice.content.startswith(b"%PDF-1.4") and invoice.size == len(invoice.content)
    assert mail.problems == ()


def test_an_outlook_reply_in_swedish_keeps_only_the_new_text_and_the_signature():
    mail = parse("reply_outlook_sv.eml")

    assert mail.subject == "SV: [INC-2026-000123] Skrivaren fungerar inte"
    assert mail.ticket_reference == "INC-2026-000123"
    assert mail.in_reply_to == "<ticket-INC-2026-000123-3@itportal.lulea.se>"
    assert mail.references == (
        "<ticket-INC-2026-000123@itportal.lulea.se>",
        "<ticket-INC-2026-000123-3@itportal.lulea.se>",
    )
    assert mail.date == datetime(2026, 3, 3, 14, 2, 11, tzinfo=UTC)
    assert "prova att starta om skrivaren" in mail.text  # the whole body is kept too
    expected = (
        "Hej!\n\n"
        "Skrivaren skriver fortfarande ut tomma sidor, även efter omstarten.\n\n"
        "Med vänlig hälsning\nAnna Svensson\nEkonomienheten"
    )
    assert mail.new_text == expected
    assert strip_quoted(html_to_text(mail.html)) == expected  # the HTML part says the same


def test_a_gmail_reply_in_english_keeps_only_the_new_text_and_the_signature():
    mail = parse("reply_gmail_en.eml")

    assert mail.ticket_reference == "REQ-2026-000045"
    expected = (
        "Thanks, Thursday at 9 works for me.\nI will bring the old one.\n\n"
        "--\nJohn Smith\nConsultant, Smith IT AB"
    )
    assert mail.new_text == expected  # the wrapped "On … <\naddress> wrote:" line is cut
    assert strip_quoted(html_to_text(mail.html)) == (
        "Thanks, Thursday at 9 works for me.\nI will bring the old one."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tack, det fungerar nu!\n\n-----Ursprungligt meddelande-----\n"
            "Från: IT-servicedesk\nSkickat: den 3 mars 2026 10:12\n\nHej Anna ...",
            "Tack, det fungerar nu!",
        ),
        (
            "Thanks!\nBo\n\n-----Original Message-----\nFrom: IT\nSent: Tuesday\n\nOld text",
            "Thanks!\nBo",
        ),
        (
            "Fixed.\n\nFrom: IT Service Desk <sd@lulea.se>\nSent: Tuesday, March 3, 2026 10:12\n"
            "To: Bo\nSubject: [INC-2026-000123] Printer\n\nOld text",
            "Fixed.",
        ),
        (
            "Det fungerar.\n\nDen tis 3 mars 2026 kl 10:12 skrev IT-servicedesk <sd@lulea.se>:\n"
            "Gammal text utan citattecken",
            "Det fungerar.",
        ),
        (  # bottom-posting: the new text below the quote is kept
            "Den 3 mars 2026 10:12 skrev Anna Svensson <anna@lulea.se>:\n> Fungerar det nu?\n\n"
            "Ja, nu fungerar det.\n\n> Och skrivaren?\nDen också.",
            "Ja, nu fungerar det.\n\nDen också.",
        ),
        (
            "Se nedan.\n\n3 mars 2026 kl. 10:12 skrev Anna Svensson <anna@lulea.se>:\n\n> Hej",
            "Se nedan.",
        ),
    ],
    ids=["sv-original", "en-original", "en-header-block", "sv-unquoted", "bottom", "apple-sv"],
)
def test_quoted_history_is_cut(text, expected):
    assert strip_quoted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Från: mitt kontor kan jag inte skriva ut.\nSkriv gärna tillbaka.",
        "Den nya skrivaren skrev ut detta:\nFEL 42 – papper saknas",
        "On Monday the printer wrote:\nERROR 42",
    ],
)
def test_prose_that_looks_like_a_quote_header_is_not_cut(text):
    assert strip_quoted(text) == text


def test_filenames_in_rfc_2231_and_rfc_2047_are_decoded():
    mail = parse("rfc2231_filename.eml")

    assert [a.filename for a in mail.attachments] == [
        "Kvitto för licens € 12.pdf",  # filename*=utf-8''...
        "Årsrapport år 2025.pdf",  # filename*0*=iso-8859-1''... filename*1*=...
        "Längre namn på bilaga.pdf",  # filename="=?UTF-8?B?...?=" (Outlook, Gmail)
    ]
    assert all(a.content.startswith(b"%PDF") for a in mail.attachments)


def test_refused_attachments_are_reported_never_silently_dropped():
    mail = parse("refused_attachments.eml", limit=1000)

    assert [a.filename for a in mail.attachments] == ["liten.pdf"]
    problems = {p.filename: p for p in mail.problems}
    assert set(problems) == {"stor-logg.pdf", "verktyg.exe", "faktura.pdf.exe"}

    too_large = problems["stor-logg.pdf"]
    assert (too_large.code, too_large.size, too_large.content_type) == (
        PROBLEM_TOO_LARGE,
        2048,
        "application/pdf",
    )
    assert "stor-logg.pdf" in too_large.message and "larger than the limit" in too_large.message

    exe = problems["verktyg.exe"]
    assert exe.code == PROBLEM_TYPE_NOT_ALLOWED
    assert "application/x-msdownload" in exe.message and "not allowed" in exe.message
    # declared as application/pdf, but the file name says it is a program
    assert problems["faktura.pdf.exe"].code == PROBLEM_TYPE_NOT_ALLOWED


def test_without_limits_every_attachment_is_accepted():
    mail = parse("refused_attachments.eml", limit=None, allowed=None)

    assert len(mail.attachments) == 4 and mail.problems == ()


def test_an_out_of_office_reply_is_recognised():
    raw = (MAIL / "auto_reply.eml").read_bytes()
    mail = parse("auto_reply.eml")

    assert mail.subject == "Frånvaromeddelande: [INC-2026-000123] Skrivaren fungerar inte"
    assert mail.auto_reply
    assert is_auto_reply(mail) and is_auto_reply(raw)
    assert not is_auto_reply(parse("plain_utf8.eml"))


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-generated",
        "X-Autoreply: yes",
        "Precedence: bulk",
        "Precedence: auto_reply",
        "Subject: Automatiskt svar: Skrivaren",
        "Subject: Out of Office: Printer",
        "Subject: =?utf-8?q?Fr=C3=A5nvaromeddelande?=",
        "Return-Path: <>",
    ],
)
def test_automatic_mail_is_recognised_by_its_headers(headers):
    raw = f"From: someone@lulea.se\nTo: servicedesk@lulea.se\n{headers}\n\nText\n".encode()
    assert is_auto_reply(raw)


@pytest.mark.parametrize(
    "headers",
    ["Auto-Submitted: no", "Subject: Skrivaren är out of office-läge", "Precedence: list"],
)
def test_ordinary_mail_is_not_taken_for_an_auto_reply(headers):
    raw = f"From: someone@lulea.se\nTo: servicedesk@lulea.se\n{headers}\n\nText\n".encode()
    assert not is_auto_reply(raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ((MAIL / "garbage.eml").read_bytes(), "not an e-mail"),
        (b"", "empty"),
        (b"Det h\xe4r \xe4r bara text, utan n\xe5gra huvuden.\n", "no header fields"),
        (b"Subject: Utan avs\xe4ndare\n\nText\n", "no sender address"),
        (b"From: inte en adress\nSubject: Hej\n\nText\n", "no sender address"),
    ],
    ids=["binary-garbage", "empty", "no-headers", "no-from", "bad-from"],
)
def test_a_message_that_cannot_be_parsed_raises_malformed_mail_with_a_reason(raw, reason):
    with pytest.raises(MalformedMail) as error:
        parse_message(raw, max_attachment_bytes=1000, allowed_types=ALLOWED)
    assert reason in error.value.reason


def test_a_ticket_reference_is_found_behind_sv_vb():
    mail = parse("forwarded_reply.eml")

    assert mail.subject == "SV: VB: [REQ-2026-000045] Beställning av ny dator"
    assert mail.ticket_reference == "REQ-2026-000045"
    assert clean_subject(mail.subject) == "[REQ-2026-000045] Beställning av ny dator"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: [INC-2026-000123] Skrivaren fungerar inte", "INC-2026-000123"),
        ("SV: VB: [REQ-2026-000045] Ny dator", "REQ-2026-000045"),
        ("Ang: [prb-2025-000001] Nätverket", "PRB-2025-000001"),
        ("[QST-2026-000002] Fråga", "QST-2026-000002"),
        ("[CHG-2026-000010] Byte av brandvägg", "CHG-2026-000010"),
        ("INC-2026-000123 utan hakparenteser", None),
        ("[ABC-2026-000123] okänt prefix", None),
        ("[INC-2026-00012] för kort nummer", None),
        ("", None),
    ],
)
def test_ticket_reference(subject, expected):
    assert ticket_reference(subject) == expected


def test_the_ticket_prefixes_are_configurable(settings):
    assert ticket_reference("[ORD-2026-000001] Beställning", prefixes=["ORD"]) == "ORD-2026-000001"
    assert ticket_reference("[INC-2026-000001] Fel", prefixes=["ORD"]) is None
    settings.SERVICEDESK_TICKET_PREFIXES = ["ÄRE", "INC"]
    assert ticket_reference("[INC-2026-000001] Fel") == "INC-2026-000001"


def test_encoded_words_split_inside_a_character_are_joined():
    # "ö" (c3 b6) split across two base64 encoded words, as some mailers do
    assert decode_header("=?utf-8?b?RnLD?= =?utf-8?b?pWdh?=") == "Fråga"
    assert decode_header("=?utf-8?q?Fr=C3?= =?utf-8?q?=A5ga?=") == "Fråga"
    assert decode_header("Re: =?iso-8859-1?q?=C5terst=E4llning?=\n av l\xf6senord") == (
        "Re: Återställning av lösenord"
    )


def test_a_missing_date_is_none_and_a_zone_less_date_is_utc():
    no_date = parse_message(b"From: a@lulea.se\n\nx", max_attachment_bytes=None, allowed_types=None)
    zone_less = parse_message(
        b"From: a@lulea.se\nDate: Tue, 3 Mar 2026 10:00:00 -0000\n\nx",
        max_attachment_bytes=None,
        allowed_types=None,
    )
    assert no_date.date is None
    assert zone_less.date == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_attachment_file_names_never_carry_a_path():
    raw = (
        b"From: a@lulea.se\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        b"Content-Type: text/plain\n\nSe bilaga\n--b\nContent-Type: application/pdf\n"
        b'Content-Disposition: attachment; filename="..\\\\..\\\\windows\\\\evil.pdf"\n'
        b"\n%PDF\n--b--\n"
    )
    mail = parse_message(raw, max_attachment_bytes=None, allowed_types=None)
    assert [a.filename for a in mail.attachments] == ["evil.pdf"]


def test_parsed_mail_is_frozen():
    mail = parse("plain_utf8.eml")
    with pytest.raises(AttributeError):
        mail.subject = "Ändrad"  # type: ignore[misc]


def test_a_mangled_message_is_parsed_or_refused_but_never_crashes_the_intake():
    rng = random.Random(20260303)
    originals = [path.read_bytes() for path in sorted(MAIL.glob("*.eml"))]
    snippets = [b"=?", b"?=", b"\n", b"\r\n\r\n", b"--", b";", b'"', b"*", b"=?utf-8?b?", b"\xff"]
    outcomes = {"parsed": 0, "refused": 0}
    for _ in range(400):
        raw = bytearray(rng.choice(originals))
        for _ in range(rng.randint(1, 15)):
            position = rng.randrange(len(raw) or 1)
            choice = rng.random()
            if choice < 0.4 and raw:
                raw[position] = rng.randrange(256)
            elif choice < 0.7:
                raw[position:position] = rng.choice(snippets)
            else:
                del raw[position : position + rng.randint(1, 40)]
        try:
            mail = parse_message(bytes(raw), max_attachment_bytes=1000, allowed_types=ALLOWED)
        except MalformedMail as error:
            assert error.reason
            outcomes["refused"] += 1
        else:
            assert isinstance(mail.new_text, str) and isinstance(mail.subject, str)
            is_auto_reply(bytes(raw))
            outcomes["parsed"] += 1
    assert outcomes["parsed"] > 0
