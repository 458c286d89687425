"""Incoming e-mail: the intake's list of what became tickets or replies, and what failed."""

import datetime as dt
from email.message import EmailMessage

from django.utils.translation import gettext as _

from itportal.servicedesk.demo.inserts import insert
from itportal.servicedesk.demo.params import MINUTE
from itportal.servicedesk.demo.texts import INTAKE, OUTSIDE_SENDERS
from itportal.servicedesk.models import IntakeMessage


class Intake:
    """Part of the Builder: a dozen incoming e-mails about recent tickets."""

    def intake(self):
        ctx, rng, now = self.ctx, self.rng, self.now
        domain = ctx.params("organisation").get("domain", "example.org")
        desk = f"servicedesk@{domain}"
        recent = sorted(self.recent_email, key=lambda row: row[4])[-20:]
        rows = []
        for n, (outcome, sender_kind, subject, text, error) in enumerate(INTAKE):
            ticket_id = None
            if sender_kind == "outside":
                sender = rng.choice(OUTSIDE_SENDERS)
                received = now - dt.timedelta(hours=rng.uniform(2, 24 * 20))
            elif recent:
                pk, number, title, email, opened = recent[n % len(recent)]
                sender = email
                received = opened
                if outcome == "reply":
                    received = min(opened + dt.timedelta(hours=rng.uniform(2, 48)), now - MINUTE)
                subject = subject.format(number=number, title=title)
                ticket_id = pk if outcome in ("ticket", "reply") else None
            else:
                continue
            if outcome == "ticket" and recent:
                subject = title
            reason = ""
            if error == "outside":
                reason = _("%(sender)s is not an active person in the organisation register.") % {
                    "sender": sender
                }
            elif error == "unknown_ticket":
                reason = _("The subject names ticket %(number)s, which does not exist.") % {
                    "number": "INC-2024-999999"
                }
            message = EmailMessage()
            message["From"] = sender
            message["To"] = desk
            message["Subject"] = subject
            message_id = f"<{rng.getrandbits(64):016x}@{sender.split('@')[1]}>"
            message["Message-ID"] = message_id
            message["Date"] = received.astimezone(self.zone).strftime("%a, %d %b %Y %H:%M:%S %z")
            if outcome == "ignored":
                message["Auto-Submitted"] = "auto-replied"
            message.set_content(text)
            rows.append(
                (
                    received,
                    message_id,
                    sender,
                    subject[:300],
                    message.as_bytes(),
                    outcome,
                    reason,
                    ticket_id,
                )
            )
        ctx.created[IntakeMessage] += insert(
            IntakeMessage,
            ("received_at", "message_id", "sender", "subject", "raw", "outcome", "error", "ticket"),
            rows,
        )
