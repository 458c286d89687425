"""Reading the service desk's IMAP mailbox (stdlib imaplib).

    with Mailbox(host, port, user, password) as box:
        for uid, raw in box.fetch_unseen(limit=100):
            ...                       # parse, create the ticket or the reply
            box.move_to(uid, "Processed")   # or box.mark_seen(uid), or move_to(uid, "Failed")

Messages are fetched with BODY.PEEK[], so fetching does not mark them seen: a message whose
processing fails half-way (or whose process dies) is fetched again on the next run. Mark it
seen or move it only once it has been handled. Every failure of the server or the connection
raises `MailboxError` with a message that names the server and what went wrong.
"""

import base64
import contextlib
import imaplib
import ssl as ssl_module
from collections.abc import Iterator

from django.utils.translation import gettext as _


class MailboxError(Exception):
    """The mail server refused a command or could not be reached (the message says which)."""


def _text(data) -> str:
    if isinstance(data, list | tuple):
        return " ".join(_text(item) for item in data if item is not None)
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


def encode_folder_name(name: str) -> str:
    """`name` in IMAP's modified UTF-7 (RFC 3501 5.1.3): "Åtgärdade" → "&AMU-tg&AOQ-rdade"."""
    out = []
    pending = []

    def flush():
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append(
                "&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-"
            )
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _quote(name: str) -> str:
    encoded = encode_folder_name(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Mailbox:
    """One IMAP session on one mailbox (folder); use it as a context manager."""

    def __init__(
        self,
        host: str,
        port: int | None,
        user: str,
        password: str,
        *,
        ssl: bool = True,
        mailbox: str = "INBOX",
        timeout: float = 60,
        ssl_context: ssl_module.SSLContext | None = None,
    ):
        self.host = host
        self.port = port or (993 if ssl else 143)
        self.user = user
        self.password = password
        self.ssl = ssl
        self.mailbox = mailbox
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.connection: imaplib.IMAP4 | None = None
        self._known_folders: set[str] = set()

    # -- session ---------------------------------------------------------------------------------

    def __enter__(self) -> "Mailbox":
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _where(self) -> str:
        return f"{self.host}:{self.port}"

    def open(self) -> None:
        try:
            if self.ssl:
                context = self.ssl_context or ssl_module.create_default_context()
                connection = imaplib.IMAP4_SSL(
                    self.host, self.port, ssl_context=context, timeout=self.timeout
                )
            else:
                connection = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(
                _("Cannot connect to the mail server %(server)s: %(error)s")
                % {"server": self._where(), "error": exc}
            ) from exc
        try:
            self._login(connection)
        except imaplib.IMAP4.error as exc:
            self._shutdown(connection)
            raise MailboxError(
                _("The mail server %(server)s refused the login of %(user)s: %(error)s")
                % {"server": self._where(), "user": self.user, "error": _text(exc.args)}
            ) from exc
        except OSError as exc:
            self._shutdown(connection)
            raise MailboxError(
                _("The connection to the mail server %(server)s failed: %(error)s")
                % {"server": self._where(), "error": exc}
            ) from exc
        self.connection = connection
        # Servers may announce more (MOVE, UIDPLUS) once logged in: ask again.
        status, data = self._command("CAPABILITY")
        if status == "OK" and data and data[-1]:
            connection.capabilities = tuple(_text(data[-1]).upper().split())
        status, data = self._command("SELECT", _quote(self.mailbox))
        if status != "OK":
            self.close()
            raise MailboxError(
                _("The mailbox %(mailbox)s cannot be opened on %(server)s: %(error)s")
                % {"mailbox": self.mailbox, "server": self._where(), "error": _text(data)}
            )

    def _login(self, connection: imaplib.IMAP4) -> None:
        """LOGIN, or SASL PLAIN (RFC 4616, UTF-8) when the user name or password is not ASCII:
        LOGIN's quoted strings are ASCII only, and "lösenord" is a likely Swedish password."""
        if (self.user + self.password).isascii():
            connection.login(self.user, self.password)
            return
        if "AUTH=PLAIN" not in {str(c).upper() for c in connection.capabilities}:
            raise imaplib.IMAP4.error(
                _(
                    "the user name or password contains non-ASCII characters, which the server "
                    "accepts only through AUTHENTICATE PLAIN, and it does not offer that"
                )
            )
        credentials = f"\0{self.user}\0{self.password}".encode()
        connection.authenticate("PLAIN", lambda _challenge: credentials)

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            self._shutdown(connection)

    @staticmethod
    def _shutdown(connection: imaplib.IMAP4) -> None:
        try:
            if connection.state == "SELECTED":
                connection.close()
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            with contextlib.suppress(OSError):
                connection.shutdown()

    def _command(self, name: str, *args: str) -> tuple[str, list]:
        """Run one command; "UID X" names are sent as UID commands. Returns (status, data)."""
        if self.connection is None:
            raise MailboxError(_("The mailbox is not open."))
        connection = self.connection
        try:
            if name.startswith("UID "):
                return connection.uid(name[4:], *args)
            simple = {
                "SELECT": connection.select,
                "LIST": connection.list,
                "CREATE": connection.create,
                "EXPUNGE": connection.expunge,
                "CAPABILITY": connection.capability,
            }
            return simple[name](*args)
        except imaplib.IMAP4.abort as exc:
            self.connection = None
            raise MailboxError(
                _("The connection to the mail server %(server)s failed: %(error)s")
                % {"server": self._where(), "error": exc}
            ) from exc
        except OSError as exc:
            self.connection = None
            raise MailboxError(
                _("The connection to the mail server %(server)s failed: %(error)s")
                % {"server": self._where(), "error": exc}
            ) from exc
        except imaplib.IMAP4.error as exc:  # a BAD response
            return "BAD", [str(exc).encode()]

    def _check(self, result: tuple[str, list], what: str) -> list:
        status, data = result
        if status != "OK":
            raise MailboxError(
                _("The mail server %(server)s refused %(command)s: %(error)s")
                % {"server": self._where(), "command": what, "error": _text(data)}
            )
        return data

    # -- reading ---------------------------------------------------------------------------------

    def unseen_uids(self) -> list[int]:
        data = self._check(self._command("UID SEARCH", "UNSEEN"), "UID SEARCH UNSEEN")
        uids = [
            int(uid) for chunk in data if chunk for uid in _text(chunk).split() if uid.isdigit()
        ]
        return sorted(set(uids))

    def fetch(self, uid: int | str) -> bytes | None:
        """The raw bytes of the message `uid` (not marked seen), or None if it is gone."""
        data = self._check(self._command("UID FETCH", str(uid), "(BODY.PEEK[])"), "UID FETCH")
        for item in data:
            if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
                return item[1]
        return None

    def fetch_unseen(self, limit: int = 100) -> Iterator[tuple[int, bytes]]:
        """Yield (uid, raw bytes) of up to `limit` unseen messages, oldest first."""
        for uid in self.unseen_uids()[: max(0, limit)]:
            raw = self.fetch(uid)
            if raw is not None:
                yield uid, raw

    # -- flags and folders -----------------------------------------------------------------------

    def mark_seen(self, uid: int | str) -> None:
        self._check(self._command("UID STORE", str(uid), "+FLAGS", "(\\Seen)"), "UID STORE")

    def ensure_folder(self, folder: str) -> None:
        """Create `folder` unless it exists."""
        if folder in self._known_folders:
            return
        status, data = self._command("LIST", '""', _quote(folder))
        exists = status == "OK" and any(item for item in data if item)
        if not exists:
            status, data = self._command("CREATE", _quote(folder))
            if status != "OK" and "ALREADYEXISTS" not in _text(data).upper():
                raise MailboxError(
                    _("The folder %(folder)s cannot be created on %(server)s: %(error)s")
                    % {"folder": folder, "server": self._where(), "error": _text(data)}
                )
        self._known_folders.add(folder)

    def capabilities(self) -> set[str]:
        return {str(c).upper() for c in (self.connection.capabilities if self.connection else ())}

    def move_to(self, uid: int | str, folder: str) -> None:
        """Move the message `uid` to `folder` (created if missing), marked seen.

        Uses UID MOVE (RFC 6851) when the server has it; otherwise UID COPY, then \\Deleted and
        UID EXPUNGE (RFC 4315), or a plain EXPUNGE when the server lacks UIDPLUS.
        """
        self.ensure_folder(folder)
        self.mark_seen(uid)
        capabilities = self.capabilities()
        if "MOVE" in capabilities:
            self._check(self._command("UID MOVE", str(uid), _quote(folder)), "UID MOVE")
            return
        self._check(self._command("UID COPY", str(uid), _quote(folder)), "UID COPY")
        self._check(
            self._command("UID STORE", str(uid), "+FLAGS", "(\\Deleted)"), "UID STORE \\Deleted"
        )
        if "UIDPLUS" in capabilities:
            self._check(self._command("UID EXPUNGE", str(uid)), "UID EXPUNGE")
        else:
            self._check(self._command("EXPUNGE"), "EXPUNGE")


def fetch_unseen(
    host: str,
    port: int | None,
    user: str,
    password: str,
    *,
    ssl: bool = True,
    mailbox: str = "INBOX",
    limit: int = 100,
) -> Iterator[tuple[int, bytes]]:
    """Yield (uid, raw bytes) of up to `limit` unseen messages of `mailbox`, not marking them.

    A one-shot convenience; to mark or move the messages afterwards, use `Mailbox` directly.
    """
    with Mailbox(host, port, user, password, ssl=ssl, mailbox=mailbox) as box:
        yield from box.fetch_unseen(limit)
