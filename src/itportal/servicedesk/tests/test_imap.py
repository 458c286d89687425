"""The IMAP reader against a fake IMAP4rev1 server speaking the protocol over a real socket."""

import base64
import re
import socket
import socketserver
import threading
from pathlib import Path

import pytest

from itportal.servicedesk.imap import Mailbox, MailboxError, encode_folder_name, fetch_unseen
from itportal.servicedesk.mail_parse import parse_message

MAIL = Path(__file__).parent / "mail"
USER = "servicedesk@lulea.se"
PASSWORD = "hemligt lösen 123"
ASCII_USER = "arkiv@lulea.se"
ASCII_PASSWORD = "hemligt 123"
ALL_CAPABILITIES = "IMAP4rev1 AUTH=PLAIN MOVE UIDPLUS"
BASIC_CAPABILITIES = "IMAP4rev1"


def raw_mail(subject: str) -> bytes:
    return (
        f"From: Anna Svensson <anna.svensson@lulea.se>\r\nTo: {USER}\r\n"
        f"Subject: {subject}\r\nMessage-ID: <{abs(hash(subject))}@lulea.se>\r\n\r\n"
        "Hej!\r\n"
    ).encode()


# --- The fake server -----------------------------------------------------------------------------


class FakeImapState:
    """The server's mailboxes; every folder is a list of {"uid", "raw", "flags"} dicts."""

    def __init__(self, capabilities: str):
        self.capabilities = capabilities
        self.users = {USER: PASSWORD, ASCII_USER: ASCII_PASSWORD}
        self.folders: dict[str, list[dict]] = {"INBOX": []}
        self.next_uid: dict[str, int] = {"INBOX": 1}
        self.log: list[str] = []
        self.lock = threading.Lock()

    def add(self, raw: bytes, folder: str = "INBOX", flags=()) -> int:
        with self.lock:
            self.folders.setdefault(folder, [])
            uid = self.next_uid.setdefault(folder, 1)
            self.next_uid[folder] = uid + 1
            self.folders[folder].append({"uid": uid, "raw": raw, "flags": set(flags)})
            return uid

    def message(self, folder: str, uid: int) -> dict | None:
        return next((m for m in self.folders.get(folder, []) if m["uid"] == uid), None)

    def commands(self) -> list[str]:
        return [
            entry.split(" ")[0] if not entry.startswith("UID ") else " ".join(entry.split(" ")[:2])
            for entry in self.log
        ]


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\(([^)]*)\)|(\S+)')


def tokens(text: str) -> list[str]:
    """Split command arguments: quoted strings (unescaped), parenthesised lists, atoms."""
    out = []
    for match in _TOKEN.finditer(text):
        quoted, parenthesised, atom = match.groups()
        if quoted is not None:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
        elif parenthesised is not None:
            out.append(f"({parenthesised})")
        else:
            out.append(atom)
    return out


def in_set(spec: str, number: int, highest: int) -> bool:
    for part in spec.split(","):
        low, _, high = part.partition(":")
        low_n = highest if low == "*" else int(low)
        high_n = low_n if not high else (highest if high == "*" else int(high))
        if min(low_n, high_n) <= number <= max(low_n, high_n):
            return True
    return False


class FakeImapHandler(socketserver.StreamRequestHandler):
    """Enough IMAP4rev1 for the reader: LOGIN, SELECT, LIST, CREATE, UID SEARCH/FETCH/STORE/
    COPY/MOVE/EXPUNGE, EXPUNGE, CLOSE, LOGOUT."""

    def send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self):
        self.state: FakeImapState = self.server.state
        self.authenticated = False
        self.selected: str | None = None
        self.send(f"* OK [CAPABILITY {self.state.capabilities}] Fake IMAP ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _, rest = line.decode("utf-8").rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            by_uid = command == "UID"
            if by_uid:
                command, _, args = args.partition(" ")
                command = command.upper()
            logged = args if command != "LOGIN" else args.split(" ")[0] + " ***"
            self.state.log.append(f"{'UID ' if by_uid else ''}{command} {logged}".strip())
            method = getattr(self, f"do_{command.lower()}", None)
            if method is None:
                self.send(f"{tag} BAD Unknown command {command}")
                continue
            if (
                command not in ("CAPABILITY", "LOGIN", "AUTHENTICATE", "LOGOUT", "NOOP")
                and not self.authenticated
            ):
                self.send(f"{tag} NO Not authenticated")
                continue
            with self.state.lock:
                keep_going = method(tag, tokens(args), by_uid)
            if keep_going is False:
                return

    # -- any state

    def do_capability(self, tag, args, by_uid):
        self.send(f"* CAPABILITY {self.state.capabilities}")
        self.send(f"{tag} OK CAPABILITY completed")

    def do_noop(self, tag, args, by_uid):
        self.send(f"{tag} OK NOOP completed")

    def do_logout(self, tag, args, by_uid):
        self.send("* BYE Fake IMAP logging out")
        self.send(f"{tag} OK LOGOUT completed")
        return False

    def do_login(self, tag, args, by_uid):
        if len(args) == 2 and self.state.users.get(args[0]) == args[1]:
            self.authenticated = True
            self.send(f"{tag} OK [CAPABILITY {self.state.capabilities}] Logged in")
        else:
            self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")

    def do_authenticate(self, tag, args, by_uid):
        if "AUTH=PLAIN" not in self.state.capabilities.split() or args[0].upper() != "PLAIN":
            self.send(f"{tag} NO Unsupported authentication mechanism")
            return
        self.send("+ ")
        answer = base64.b64decode(self.rfile.readline().strip())
        _authzid, user, password = answer.decode("utf-8").split("\0")
        if self.state.users.get(user) == password:
            self.authenticated = True
            self.send(f"{tag} OK Logged in")
        else:
            self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")

    # -- authenticated

    def do_select(self, tag, args, by_uid):
        folder = args[0]
        if folder not in self.state.folders:
            self.selected = None
            self.send(f"{tag} NO [NONEXISTENT] Mailbox doesn't exist: {folder}")
            return
        self.selected = folder
        messages = self.state.folders[folder]
        self.send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)")
        self.send(f"* {len(messages)} EXISTS")
        self.send("* 0 RECENT")
        self.send("* OK [UIDVALIDITY 1] UIDs valid")
        self.send(f"* OK [UIDNEXT {self.state.next_uid.get(folder, 1)}] Predicted next UID")
        self.send(f"{tag} OK [READ-WRITE] SELECT completed")

    def do_list(self, tag, args, by_uid):
        pattern = args[1] if len(args) > 1 else ""
        for name in self.state.folders:
            if pattern in ("*", name):
                self.send(f'* LIST (\\HasNoChildren) "/" "{name}"')
        self.send(f"{tag} OK LIST completed")

    def do_create(self, tag, args, by_uid):
        folder = args[0]
        if folder in self.state.folders:
            self.send(f"{tag} NO [ALREADYEXISTS] Mailbox already exists")
            return
        self.state.folders[folder] = []
        self.state.next_uid[folder] = 1
        self.send(f"{tag} OK CREATE completed")

    # -- selected

    def _messages(self, spec: str, by_uid: bool) -> list[tuple[int, dict]]:
        messages = self.state.folders[self.selected]
        highest = (messages[-1]["uid"] if by_uid else len(messages)) if messages else 0
        return [
            (seq, m)
            for seq, m in enumerate(messages, start=1)
            if in_set(spec, m["uid"] if by_uid else seq, highest)
        ]

    def _need_selected(self, tag) -> bool:
        if self.selected is None:
            self.send(f"{tag} BAD No mailbox selected")
            return False
        return True

    def do_search(self, tag, args, by_uid):
        if not self._need_selected(tag):
            return
        criteria = " ".join(args).upper()
        hits = []
        for seq, m in enumerate(self.state.folders[self.selected], start=1):
            if criteria == "UNSEEN" and "\\Seen" in m["flags"]:
                continue
            hits.append(str(m["uid"] if by_uid else seq))
        self.send("* SEARCH" + "".join(f" {h}" for h in hits))
        self.send(f"{tag} OK SEARCH completed")

    def do_fetch(self, tag, args, by_uid):
        if not self._need_selected(tag):
            return
        items = args[1].upper()
        name = "RFC822" if "RFC822" in items else "BODY[]"
        for seq, m in self._messages(args[0], by_uid):
            if "PEEK" not in items:
                m["flags"].add("\\Seen")
            head = f"* {seq} FETCH (UID {m['uid']} {name} {{{len(m['raw'])}}}".encode()
            self.wfile.write(head + b"\r\n" + m["raw"] + b")\r\n")
        self.send(f"{tag} OK FETCH completed")

    def do_store(self, tag, args, by_uid):
        if not self._need_selected(tag):
            return
        spec, mode, flag_list = args[0], args[1].upper(), args[2].strip("()").split()
        for seq, m in self._messages(spec, by_uid):
            if mode.startswith("+"):
                m["flags"].update(flag_list)
            elif mode.startswith("-"):
                m["flags"].difference_update(flag_list)
            else:
                m["flags"] = set(flag_list)
            flags = " ".join(sorted(m["flags"]))
            self.send(f"* {seq} FETCH (UID {m['uid']} FLAGS ({flags}))")
        self.send(f"{tag} OK STORE completed")

    def _copy(self, tag, args, by_uid) -> list[tuple[int, dict]] | None:
        if not self._need_selected(tag):
            return None
        target = args[1]
        if target not in self.state.folders:
            self.send(f"{tag} NO [TRYCREATE] Mailbox doesn't exist: {target}")
            return None
        chosen = self._messages(args[0], by_uid)
        for _seq, m in chosen:
            uid = self.state.next_uid[target]
            self.state.next_uid[target] = uid + 1
            flags = set(m["flags"]) - {"\\Deleted"}
            self.state.folders[target].append({"uid": uid, "raw": m["raw"], "flags": flags})
        return chosen

    def do_copy(self, tag, args, by_uid):
        if self._copy(tag, args, by_uid) is not None:
            self.send(f"{tag} OK COPY completed")

    def do_move(self, tag, args, by_uid):
        if "MOVE" not in self.state.capabilities.split():
            self.send(f"{tag} BAD Unknown command MOVE")
            return
        chosen = self._copy(tag, args, by_uid)
        if chosen is None:
            return
        self._remove([m for _seq, m in chosen])
        self.send(f"{tag} OK MOVE completed")

    def _remove(self, doomed: list[dict]) -> None:
        messages = self.state.folders[self.selected]
        for m in doomed:
            self.send(f"* {messages.index(m) + 1} EXPUNGE")
            messages.remove(m)

    def do_expunge(self, tag, args, by_uid):
        if not self._need_selected(tag):
            return
        if by_uid and "UIDPLUS" not in self.state.capabilities.split():
            self.send(f"{tag} BAD UID EXPUNGE needs UIDPLUS")
            return
        candidates = (
            self._messages(args[0], True)
            if by_uid
            else list(enumerate(self.state.folders[self.selected], start=1))
        )
        self._remove([m for _seq, m in candidates if "\\Deleted" in m["flags"]])
        self.send(f"{tag} OK EXPUNGE completed")

    def do_close(self, tag, args, by_uid):
        if self.selected is not None:
            messages = self.state.folders[self.selected]
            messages[:] = [m for m in messages if "\\Deleted" not in m["flags"]]
        self.selected = None
        self.send(f"{tag} OK CLOSE completed")


@pytest.fixture(params=[ALL_CAPABILITIES], ids=["move"])
def imap(request):
    """A running fake server: yields (state, port)."""
    state = FakeImapState(request.param)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeImapHandler)
    server.daemon_threads = True
    server.state = state
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def open_box(port: int, user: str = USER, password: str = PASSWORD, **kwargs) -> Mailbox:
    return Mailbox("127.0.0.1", port, user, password, ssl=False, **kwargs)


# --- Tests ---------------------------------------------------------------------------------------


def test_it_fetches_the_unseen_messages_oldest_first_without_marking_them_seen(imap):
    state, port = imap
    first = state.add(raw_mail("Skrivaren"))
    state.add(raw_mail("Redan läst"), flags={"\\Seen"})
    third = state.add(raw_mail("Lösenord"))

    with open_box(port) as box:
        fetched = list(box.fetch_unseen())

    assert fetched == [(first, raw_mail("Skrivaren")), (third, raw_mail("Lösenord"))]
    assert all("\\Seen" not in m["flags"] for m in state.folders["INBOX"] if m["uid"] != 2)
    assert any("BODY.PEEK[]" in entry for entry in state.log)
    assert state.commands()[-1] == "LOGOUT"


def test_the_fetched_bytes_parse_into_the_original_message(imap):
    state, port = imap
    raw = (MAIL / "latin1_qp.eml").read_bytes()
    uid = state.add(raw)

    with open_box(port) as box:
        [(fetched_uid, fetched)] = list(box.fetch_unseen())

    mail = parse_message(fetched, max_attachment_bytes=None, allowed_types=None)
    assert fetched_uid == uid
    assert fetched == raw
    assert mail.subject == "Datorn på kontoret är långsam"


def test_it_fetches_no_more_than_the_limit(imap):
    state, port = imap
    uids = [state.add(raw_mail(f"Ärende {n}")) for n in range(5)]

    fetched = list(
        fetch_unseen("127.0.0.1", port, USER, PASSWORD, ssl=False, mailbox="INBOX", limit=2)
    )

    assert [uid for uid, _raw in fetched] == uids[:2]
    assert state.commands()[-1] == "LOGOUT"


def test_a_message_marked_seen_is_not_fetched_again(imap):
    state, port = imap
    done = state.add(raw_mail("Klart"))
    waiting = state.add(raw_mail("Nästa"))

    with open_box(port) as box:
        box.mark_seen(done)
    with open_box(port) as box:
        fetched = [uid for uid, _raw in box.fetch_unseen()]

    assert "\\Seen" in state.message("INBOX", done)["flags"]
    assert fetched == [waiting]


@pytest.mark.parametrize(
    "imap", [ALL_CAPABILITIES, BASIC_CAPABILITIES], ids=["uid-move", "copy-expunge"], indirect=True
)
def test_it_moves_a_message_to_a_folder_it_creates_when_missing(imap):
    state, port = imap
    keep = state.add(raw_mail("Stannar"))
    handled = state.add(raw_mail("Behandlat"))
    failed = state.add(raw_mail("Trasigt"))

    with open_box(port, ASCII_USER, ASCII_PASSWORD) as box:
        box.move_to(handled, "Processed")
        box.move_to(failed, "Failed")
        box.move_to(keep, "Processed")  # the folder exists now: not created twice
        remaining = list(box.fetch_unseen())

    assert remaining == []
    assert state.folders["INBOX"] == []
    processed = state.folders["Processed"]
    assert [m["raw"] for m in processed] == [raw_mail("Behandlat"), raw_mail("Stannar")]
    assert all("\\Seen" in m["flags"] for m in processed)
    assert [m["raw"] for m in state.folders["Failed"]] == [raw_mail("Trasigt")]
    assert state.commands().count("CREATE") == 2
    if imap[0].capabilities == ALL_CAPABILITIES:
        assert "UID MOVE" in state.commands()
    else:
        assert "UID MOVE" not in state.commands()
        assert "UID COPY" in state.commands() and "EXPUNGE" in state.commands()


def test_a_swedish_folder_name_is_sent_in_modified_utf7(imap):
    state, port = imap
    uid = state.add(raw_mail("Åtgärdat"))

    with open_box(port) as box:
        box.move_to(uid, "Åtgärdade")

    assert encode_folder_name("Åtgärdade") == "&AMU-tg&AOQ-rdade"
    assert [m["raw"] for m in state.folders["&AMU-tg&AOQ-rdade"]] == [raw_mail("Åtgärdat")]


def test_a_password_with_swedish_letters_logs_in_through_sasl_plain(imap):
    state, port = imap
    uid = state.add(raw_mail("Inloggad"))

    with open_box(port, USER, PASSWORD) as box:
        fetched = [u for u, _raw in box.fetch_unseen()]

    assert fetched == [uid]
    assert "AUTHENTICATE" in state.commands()
    assert "LOGIN" not in state.commands()


@pytest.mark.parametrize("imap", [BASIC_CAPABILITIES], ids=["no-sasl"], indirect=True)
def test_a_non_ascii_password_without_sasl_plain_is_a_clear_error(imap):
    state, port = imap
    with pytest.raises(MailboxError, match="non-ASCII characters") as error, open_box(port):
        pass

    assert f"refused the login of {USER}" in str(error.value)
    assert "SELECT" not in state.commands()


@pytest.mark.parametrize("password", ["fel lösenord", "fel"])
def test_a_bad_login_is_a_clear_error(imap, password):
    state, port = imap
    with pytest.raises(MailboxError) as error, open_box(port, USER, password):
        pass

    message = str(error.value)
    assert f"127.0.0.1:{port}" in message
    assert f"refused the login of {USER}" in message
    assert "Invalid credentials" in message
    assert "SELECT" not in state.commands()


def test_a_missing_mailbox_is_a_clear_error(imap):
    _state, port = imap
    with (
        pytest.raises(MailboxError, match="The mailbox Inkorg-saknas cannot be opened"),
        open_box(port, mailbox="Inkorg-saknas"),
    ):
        pass


def test_an_unreachable_server_is_a_clear_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with (
        pytest.raises(MailboxError, match=f"Cannot connect to the mail server 127.0.0.1:{port}"),
        open_box(port),
    ):
        pass
