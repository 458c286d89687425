"""E-mail to the desk: new mail becomes a ticket, a reply naming a ticket becomes a reply,
auto-replies are ignored, and what cannot become either is kept with the reason. Also the
command against a fake IMAP server."""

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from itportal.servicedesk import intake, services
from itportal.servicedesk.choices import Kind, Status
from itportal.servicedesk.models import IntakeMessage, Ticket
from itportal.servicedesk.tests.test_imap import PASSWORD, USER, imap  # noqa: F401 (fixture)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def message(sender, subject, body, *, message_id="<1@norrsjo.example>", extra="", parts=()):
    head = (
        f"From: {sender}\r\nTo: servicedesk@norrsjo.example\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nDate: Mon, 30 Nov 2026 09:00:00 +0100\r\n{extra}"
        "MIME-Version: 1.0\r\n"
    )
    if not parts:
        return (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()
    out = head + 'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
    out += "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
    for name, content_type, data in parts:
        out += (
            f"--B\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; "
            f'filename="{name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + base64.b64encode(data).decode()
            + "\r\n"
        )
    return (out + "--B--\r\n").encode()


@pytest.fixture
def anna(org):
    person = org["people"][0]
    person.email = "anna.svensson@norrsjo.example"
    person.save()
    return person


def test_a_new_mail_becomes_a_ticket_with_its_attachment(anna, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    raw = message(
        "Anna Svensson <anna.svensson@norrsjo.example>",
        "Skrivaren på plan 3 skriver tomma sidor",
        "Hej! Skrivaren skriver bara tomma sidor.",
        parts=[
            ("felrapport.pdf", "application/pdf", PDF),
            ("verktyg.exe", "application/octet-stream", b"MZ\x90"),
        ],
    )

    record = intake.process(raw)

    ticket = record.ticket
    assert (record.outcome, ticket.kind, ticket.channel) == ("ticket", Kind.INCIDENT, "email")
    assert (ticket.requester, ticket.title) == (anna, "Skrivaren på plan 3 skriver tomma sidor")
    assert [a.name for a in ticket.attachments.all()] == ["felrapport.pdf"]
    assert "verktyg.exe" in record.error
    assert ticket.entries.filter(kind="note", body__contains="verktyg.exe").exists()


def test_a_reply_naming_the_ticket_becomes_a_reply_without_the_quoted_history(anna, users):
    ticket = services.open_ticket(
        kind=Kind.INCIDENT, requester=anna, title="Skrivaren fungerar inte", actor="test"
    )
    services.change_status(ticket, Status.WAITING_REQUESTER, actor=users["itstaff"])
    body = (
        "Nu fungerar den igen, tack!\r\n\r\nAnna\r\n\r\n"
        "-----Ursprungligt meddelande-----\r\nFrån: IT-servicedesk\r\n"
        "Skickat: den 30 november 2026 08:00\r\nÄmne: Prova att starta om\r\n\r\n"
        "Hej Anna, prova att starta om skrivaren.\r\n"
    )

    record = intake.process(
        message(
            "anna.svensson@norrsjo.example",
            f"SV: [{ticket.number}] Skrivaren",
            body,
            message_id="<2@x>",
        )
    )

    ticket.refresh_from_db()
    reply = ticket.entries.filter(kind="reply").get()
    assert (record.outcome, record.ticket) == ("reply", ticket)
    assert reply.body == "Nu fungerar den igen, tack!\n\nAnna"
    assert reply.author_email == "anna.svensson@norrsjo.example"
    assert ticket.status == Status.IN_PROGRESS  # the requester answered


@pytest.mark.parametrize(
    ("sender", "subject", "reason"),
    [
        (
            "anna.svensson@norrsjo.example",
            "SV: [INC-2026-999999] Skrivaren",
            "INC-2026-999999, which does not exist",
        ),
        ("okand@example.com", "Hjälp", "okand@example.com is not an active person"),
    ],
)
def test_mail_that_cannot_become_a_ticket_is_kept_with_the_reason(anna, sender, subject, reason):
    raw = message(sender, subject, "Text")

    record = intake.process(raw)

    assert record.outcome == "failed" and reason in record.error
    assert bytes(IntakeMessage.objects.get(pk=record.pk).raw) == raw
    assert not Ticket.objects.exists()


def test_malformed_mail_is_kept_and_auto_replies_are_ignored(anna):
    garbage = intake.process(b"\x00\x01\x02 not a message")
    auto = intake.process(
        message(
            "anna.svensson@norrsjo.example",
            "Automatiskt svar: Skrivaren",
            "Jag är på semester.",
            extra="Auto-Submitted: auto-replied\r\n",
        )
    )

    assert (garbage.outcome, auto.outcome) == ("failed", "ignored")
    assert garbage.error
    assert not Ticket.objects.exists()


def test_the_same_message_is_processed_once(anna):
    raw = message("anna.svensson@norrsjo.example", "Ny skärm", "Min skärm flimrar.")

    first, second = intake.process(raw), intake.process(raw)

    assert first.pk == second.pk
    assert Ticket.objects.count() == 1


def test_the_command_reads_the_mailbox_and_files_each_message(imap, anna, settings):  # noqa: F811
    state, port = imap
    settings.SERVICEDESK_IMAP_PASSWORD = PASSWORD
    state.add(message("anna.svensson@norrsjo.example", "Ny skärm", "Flimrar.", message_id="<a@x>"))
    state.add(message("okand@example.com", "Hjälp", "?", message_id="<b@x>"))
    out = StringIO()

    call_command(
        "read_desk_mail",
        host="127.0.0.1",
        port=port,
        user=USER,
        no_ssl=True,
        stdout=out,
        stderr=StringIO(),
    )

    assert Ticket.objects.get().title == "Ny skärm"
    assert len(state.folders["Behandlade"]) == 1
    assert len(state.folders["Ej behandlade"]) == 1
    assert "failed: 1" in out.getvalue() and "ticket: 1" in out.getvalue()


def test_the_command_says_when_no_mailbox_is_configured(settings):
    settings.SERVICEDESK_IMAP_HOST = ""

    with pytest.raises(CommandError, match="No mailbox"):
        call_command("read_desk_mail", host="", user="")


def test_a_reply_from_an_outsider_is_kept_and_not_added_to_the_ticket(anna, mailoutbox):
    ticket = services.open_ticket(kind=Kind.INCIDENT, requester=anna, title="VPN", actor="test")

    record = intake.process(
        message(
            "mallory@evil.example",
            f"SV: [{ticket.number}] VPN",
            "Logga in här: http://evil.example",
            message_id="<evil@x>",
        )
    )

    ticket.refresh_from_db()
    assert record.outcome == "failed"
    assert "neither the requester" in record.error
    assert not ticket.entries.filter(kind="reply").exists()
    assert ticket.responded_at is None


def test_an_agent_answering_by_mail_is_the_desks_first_response(anna, users):
    users["itstaff"].email = "kim.it@norrsjo.example"
    users["itstaff"].save()
    ticket = services.open_ticket(kind=Kind.INCIDENT, requester=anna, title="VPN", actor="test")

    record = intake.process(
        message("kim.it@norrsjo.example", f"SV: [{ticket.number}] VPN", "Prova igen nu.")
    )

    ticket.refresh_from_db()
    assert record.outcome == "reply"
    assert ticket.entries.get(kind="reply").author == users["itstaff"]
    assert ticket.responded_at is not None
