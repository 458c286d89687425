"""Parsing of incoming e-mail for the service desk intake.

`parse_message(raw, ...)` turns the bytes of one message (as fetched from the mailbox) into a
`ParsedMail`: decoded headers, a plain-text body (rendered from HTML when there is no text part),
the body without the quoted history (`new_text`), the accepted attachments and a list of the
refused ones (`problems`) — a refused attachment is always reported, never silently dropped.

Mail in the wild is often wrongly labelled: an undeclared or unknown charset, ISO-8859-1 that is
really Windows-1252, UTF-8 declared as Latin-1, raw 8-bit bytes in headers. Text is decoded with
the declared charset when that works and falls back (UTF-8, then Windows-1252, then Latin-1, which
never fails) instead of crashing. Only a message that is not an e-mail at all (no header fields,
no sender) raises `MalformedMail`; the intake keeps such messages in its error list.

`ticket_reference(subject)` finds "[INC-2026-000123]" in a subject, and `is_auto_reply(message)`
recognises out-of-office replies, bounces and other automatic mail so that the intake can ignore
them and never answer an automatic message (mail loops).
"""

import base64
import binascii
import codecs
import email
import email.policy
import email.utils
import mimetypes
import posixpath
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from html.parser import HTMLParser

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_TICKET_PREFIXES = ("INC", "REQ", "PRB", "QST", "CHG")

PROBLEM_TOO_LARGE = "too_large"
PROBLEM_TYPE_NOT_ALLOWED = "type_not_allowed"


class MalformedMail(ValueError):
    """The message cannot be read as an e-mail at all; `reason` says why (translated)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes
    size: int
    inline: bool = False  # shown in the body (e.g. an image in an HTML signature)
    content_id: str = ""  # without angle brackets, as referenced by "cid:" in the HTML


@dataclass(frozen=True)
class AttachmentProblem:
    """An attachment that was refused; `message` is a translated sentence for the intake list."""

    filename: str
    content_type: str
    size: int
    code: str  # PROBLEM_TOO_LARGE or PROBLEM_TYPE_NOT_ALLOWED
    message: str


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # "<...>" as in the header; "" when the message has none
    in_reply_to: str  # the first message id of In-Reply-To, or ""
    references: tuple[str, ...]  # the message ids of References, oldest first
    subject: str
    sender: str  # the From address, lower case
    sender_name: str  # the From display name, decoded; "" when there is none
    reply_to: str  # the Reply-To address (lower case), or ""
    recipients: tuple[str, ...]  # To and Cc addresses, lower case, in order, without duplicates
    date: datetime | None  # aware; None when the Date header is missing or unreadable
    text: str  # the whole text body (from text/plain, or rendered from the HTML)
    html: str  # the HTML body as sent, or ""
    new_text: str  # `text` without the quoted history of a reply (for replies to tickets)
    attachments: tuple[Attachment, ...]
    problems: tuple[AttachmentProblem, ...]
    auto_reply: bool

    @property
    def ticket_reference(self) -> str | None:
        return ticket_reference(self.subject)


# --- Charsets ------------------------------------------------------------------------------------

# Labels that mail clients use for what is really Windows-1252 (as browsers do, per WHATWG).
_AS_WINDOWS_1252 = {"latin-1", "iso8859-1", "ascii", "cp1252"}


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    name = name.split("*", 1)[0]  # RFC 2231 language suffix: "utf-8*sv"
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def _is_single_byte(codec: str) -> bool:
    return codec in _AS_WINDOWS_1252 or codec.startswith(("iso8859-", "cp125", "mac-"))


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode `data` with the declared `charset`, falling back when the declaration is wrong."""
    if not data:
        return ""
    if data.isascii():
        return data.decode("ascii")
    codec = _codec(charset)
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if codec and _is_single_byte(codec):
        # Valid multi-byte UTF-8 is practically never meant as Latin-1 text ("Ã¥" for "å"):
        # the declaration is wrong.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec in _AS_WINDOWS_1252:
        codec = "cp1252"
    for candidate in (codec, "utf-8", "cp1252"):
        if candidate:
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("latin-1")  # every byte is a character: never fails


_SURROGATES = re.compile("[\udc80-\udcff]+")


def _repair_8bit(text: str) -> str:
    """Decode raw 8-bit header bytes (kept by the parser as surrogate escapes)."""
    return _SURROGATES.sub(
        lambda m: decode_bytes(m.group().encode("ascii", "surrogateescape")), text
    )


_ENCODED_WORD = re.compile(r"=\?([!->@-~]+)\?([qQbB])\?([!->@-~]*)\?=")  # ASCII only


def _decode_word(kind: str, payload: str) -> bytes:
    if kind.lower() == "q":
        data = re.sub(
            rb"=([0-9A-Fa-f]{2})",
            lambda m: bytes([int(m.group(1), 16)]),
            payload.replace("_", " ").encode("ascii", "surrogateescape"),
        )
        return data
    padded = payload + "=" * (-len(payload) % 4)
    try:
        return base64.b64decode(padded.encode("ascii", "surrogateescape"))
    except (binascii.Error, ValueError):
        return payload.encode("ascii", "surrogateescape")


def decode_header(value: str | None) -> str:
    """Decode an RFC 2047 header value ("=?iso-8859-1?q?...?=", "=?utf-8?b?...?=").

    Whitespace between adjacent encoded words is dropped, adjacent words in the same charset are
    joined before decoding (a UTF-8 character may be split across two words), raw 8-bit bytes
    and wrongly declared charsets fall back like body text. Folding is undone.
    """
    if not value:
        return ""
    value = re.sub(r"\r?\n(?=[ \t])", "", str(value))
    pieces: list[tuple[str, str | bytes, str | None]] = []  # (kind, text or bytes, charset)
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if between and not (between.isspace() and pieces and pieces[-1][0] == "word"):
            pieces.append(("text", between, None))
        charset, kind, payload = match.groups()
        data = _decode_word(kind, payload)
        if pieces and pieces[-1][0] == "word" and pieces[-1][2] == charset.lower():
            pieces[-1] = ("word", pieces[-1][1] + data, charset.lower())
        else:
            pieces.append(("word", data, charset.lower()))
        position = match.end()
    if value[position:]:
        pieces.append(("text", value[position:], None))
    out = []
    for kind, content, charset in pieces:
        if kind == "word":
            out.append(decode_bytes(content, charset))
        else:
            out.append(_repair_8bit(content))
    return "".join(out).replace("\r", "").replace("\n", " ").strip()


# --- Headers -------------------------------------------------------------------------------------

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def _raw_header(message: Message, name: str) -> str | None:
    """The header's value as received (encoded words intact), or None."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _raw_headers(message: Message, name: str) -> list[str]:
    return [str(value) for key, value in message.raw_items() if key.lower() == name.lower()]


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of the named headers, decoded; addresses in lower case."""
    raw = [value for name in names for value in _raw_headers(message, name)]
    result = []
    unfolded = [_repair_8bit(re.sub(r"\r?\n(?=[ \t])", "", value)) for value in raw]
    for name, address in email.utils.getaddresses(unfolded):
        address = address.strip().strip("<>").lower()
        if "@" in address:
            result.append((decode_header(name).strip().strip('"').strip(), address))
    return result


def _message_ids(value: str | None) -> tuple[str, ...]:
    return tuple(_MESSAGE_ID.findall(value or ""))


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # "-0000": UTC, local zone unknown (RFC 5322 3.3)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


# --- HTML to text --------------------------------------------------------------------------------


class _HTMLText(HTMLParser):
    """Renders HTML as plain text: paragraphs and line breaks kept, quotes prefixed by "> "."""

    PARAGRAPH = {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "table",
        "pre",
        "blockquote",
        "hr",
        "figure",
        "address",
    }
    LINE = {
        "div",
        "li",
        "tr",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "center",
        "form",
        "fieldset",
        "caption",
    }
    SKIP = {"script", "style", "head", "title", "template", "noscript", "object", "iframe"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []  # (quote depth, text)
        self.current = ""
        self.current_depth = 0
        self.depth = 0  # blockquote nesting
        self.skip = 0
        self.pre = 0

    def _end_line(self):
        self.lines.append((self.current_depth, self.current.rstrip()))
        self.current = ""

    def _block(self):
        if self.current.strip():
            self._end_line()
        else:
            self.current = ""

    def _paragraph(self):
        self._block()
        if self.lines and self.lines[-1][1]:
            self.lines.append((self.depth, ""))

    def _write(self, text: str):
        if not self.current:
            self.current_depth = self.depth
        self.current += text

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "br":
            self._end_line()
        elif tag in self.PARAGRAPH:
            self._paragraph()
        elif tag in self.LINE:
            self._block()
        elif tag in ("td", "th") and self.current.strip():
            self._write(" ")
        if tag == "blockquote":
            self.depth += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self._write("- ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.PARAGRAPH:
            self._paragraph()
        elif tag in self.LINE:
            self._block()
        if tag == "blockquote":
            self.depth = max(0, self.depth - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data):
        if self.skip:
            return
        data = data.replace("\xa0", " ")
        if self.pre:
            first, *rest = data.replace("\r\n", "\n").split("\n")
            self._write(first)
            for line in rest:
                self._end_line()
                self._write(line)
            return
        data = re.sub(r"\s+", " ", data)
        if not self.current or self.current.endswith(" "):
            data = data.lstrip()
        if data:
            self._write(data)

    def text(self) -> str:
        self.close()
        self._block()
        out = []
        for depth, line in self.lines:
            prefix = "> " * depth if line else ">" * depth
            out.append((prefix + line).rstrip())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def html_to_text(html: str) -> str:
    """A plain-text rendering of `html` (stdlib html.parser; entities unescaped)."""
    parser = _HTMLText()
    parser.feed(html)
    return parser.text()


# --- Quoted replies ------------------------------------------------------------------------------

_ATTRIBUTION = [
    re.compile(
        r"^on\s.{0,150}\d.{0,250}\swrote:$", re.IGNORECASE
    ),  # Gmail, Thunderbird, Apple (English)
    re.compile(
        r"^den\s.{0,80}\d{1,2}[:.]\d{2}\b.{0,200}\bskrev\b.{0,200}:$", re.IGNORECASE
    ),  # Swedish clients
    # Apple Mail / Thunderbird in Swedish: "3 mars 2026 kl. 10:12 skrev Anna <a@b.se>:",
    # "2026-03-03 10:12, Anna Svensson skrev:"
    re.compile(
        r"^\d{1,4}[\s.\-/][^\n]{0,60}\d{1,2}[:.]\d{2}\b.{0,200}\bskrev\b.{0,200}:$", re.IGNORECASE
    ),
]
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|ursprungligt meddelande|originalmeddelande|"
    r"opprinnelig melding|oprindelig meddelelse)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(from|från|fra|von)\*?:\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\*?(sent|skickat|sendt|date|datum|gesendet)\*?:\s*\S", re.IGNORECASE
)
_HEADER_ONE_LINE = re.compile(r"^\s*\*?(from|från)\*?:.+\b(sent|skickat)\*?:", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*[_\-=*]{5,}\s*$")


def _attribution_length(lines: list[str], index: int) -> int:
    """How many lines (1-3, as clients wrap long ones) form an "On … wrote:" line at `index`."""
    for length in (1, 2, 3):
        if index + length > len(lines):
            break
        joined = " ".join(line.strip() for line in lines[index : index + length])
        if any(pattern.match(joined) for pattern in _ATTRIBUTION):
            return length
    return 0


def _is_header_block(lines: list[str], index: int) -> bool:
    """An Outlook-style "From: … Sent: …" (Från: … Skickat: …) block begins at `index`."""
    if _HEADER_ONE_LINE.match(lines[index]):
        return True
    if not _HEADER_FROM.match(lines[index]):
        return False
    return any(_HEADER_SENT.match(line) for line in lines[index + 1 : index + 6])


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def strip_quoted(text: str) -> str:
    """`text` without the quoted history of a reply; the writer's signature is kept.

    Cuts at an "-----Original Message-----" line (and its Swedish forms), at a "From: … Sent: …"
    header block (Outlook, also "Från: … Skickat: …") and at an "On … wrote:" / "Den … skrev …:"
    line followed by unprefixed text. Lines starting with ">" are removed wherever they are, so
    that text written below or between quoted lines is kept.
    """
    lines = text.splitlines()
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        length = _attribution_length(lines, index)
        if length:
            following = next((x for x in lines[index + length :] if x.strip()), "")
            if _is_quoted(following):
                index += length  # drop the attribution; the quoted lines go below
                continue
            break
        if _ORIGINAL_MESSAGE.match(line) or _is_header_block(lines, index):
            break
        if not _is_quoted(line):
            kept.append(line.rstrip())
        index += 1
    while kept and (not kept[-1].strip() or _SEPARATOR.match(kept[-1])):
        kept.pop()
    result = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", result).strip("\n")


# --- Subjects ------------------------------------------------------------------------------------


def _prefixes(prefixes: Iterable[str] | None) -> tuple[str, ...]:
    if prefixes is None:
        prefixes = getattr(settings, "SERVICEDESK_TICKET_PREFIXES", DEFAULT_TICKET_PREFIXES)
    return tuple(p.upper() for p in prefixes)


def ticket_reference(subject: str, prefixes: Iterable[str] | None = None) -> str | None:
    """The ticket number in square brackets in `subject` ("[INC-2026-000123]"), or None.

    `prefixes` defaults to the setting SERVICEDESK_TICKET_PREFIXES, else INC, REQ, PRB, QST, CHG.
    A reference with another prefix is not a ticket reference. The first one found wins.
    """
    allowed = _prefixes(prefixes)
    for match in re.finditer(r"\[\s*([A-Za-z]{3})-(\d{4})-(\d{6})\s*\]", subject or ""):
        prefix = match.group(1).upper()
        if prefix in allowed:
            return f"{prefix}-{match.group(2)}-{match.group(3)}"
    return None


_REPLY_PREFIX = re.compile(
    r"^\s*((re|sv|vb|fw|fwd|vs|aw|wg|tr|ang|antw|vl|odp|rif|r)(\[\d+\])?\s*:\s*)+",
    re.IGNORECASE,
)


def clean_subject(subject: str) -> str:
    """`subject` without leading reply/forward prefixes ("Re:", "SV:", "VB:", "Fwd:", …)."""
    return _REPLY_PREFIX.sub("", subject or "").strip()


# --- Automatic replies ---------------------------------------------------------------------------

_AUTO_SUBJECT = re.compile(
    r"^\s*(frånvaromeddelande|automatiskt svar|autosvar|out of office|out-of-office|"
    r"automatic reply|auto-?reply|autoreply|auto:|undeliverable|olevererbar|"
    r"kan inte levereras|delivery status notification|mail delivery failed|returned mail|"
    r"delivery failure|abwesenheitsnotiz)",
    re.IGNORECASE,
)
_AUTO_FLAG_HEADERS = (
    "x-autoreply",
    "x-autorespond",
    "x-autogenerated",
    "x-auto-reply",
    "x-autoresponder",
)
# Not "noreply@": monitoring systems send real incidents from such addresses.
_AUTO_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)


def _message_is_auto(message: Message) -> bool:
    auto_submitted = (_raw_header(message, "Auto-Submitted") or "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    for name in _AUTO_FLAG_HEADERS:
        value = _raw_header(message, name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return True
    precedence = (_raw_header(message, "Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "auto_reply", "auto-reply"):
        return True
    if (_raw_header(message, "Return-Path") or "").strip() == "<>":  # a bounce (RFC 3834 3.3)
        return True
    if message.get_content_type() == "multipart/report":  # delivery status notification
        return True
    senders = _addresses(message, "From")
    if senders and _AUTO_SENDERS.match(senders[0][1]):
        return True
    return bool(_AUTO_SUBJECT.match(decode_header(_raw_header(message, "Subject"))))


def is_auto_reply(message: "ParsedMail | Message | bytes") -> bool:
    """True for automatic mail the intake must ignore (out of office, bounces, auto-submitted).

    Looks at Auto-Submitted (RFC 3834), X-Autoreply and kin, Precedence: bulk/junk/auto_reply,
    a null Return-Path, delivery reports, mailer-daemon senders and subjects such as
    "Frånvaromeddelande", "Automatiskt svar" and "Out of Office".
    """
    if isinstance(message, ParsedMail):
        return message.auto_reply
    if isinstance(message, bytes | bytearray):
        message = email.message_from_bytes(bytes(message), policy=email.policy.compat32)
    return _message_is_auto(message)


# --- Body and attachments ------------------------------------------------------------------------


def _leaves(part: Message) -> Iterator[Message]:
    """The leaf parts; an attached message (message/rfc822) is one leaf, not descended into."""
    if part.get_content_maintype() == "multipart" and isinstance(part.get_payload(), list):
        for child in part.get_payload():
            yield from _leaves(child)
    else:
        yield part


def _content(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" or (
        part.get_content_maintype() == "message" and isinstance(part.get_payload(), list)
    ):
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            return inner[0].as_bytes()
    data = part.get_payload(decode=True)
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    return data


def _text(part: Message) -> str:
    text = decode_bytes(_content(part), part.get_content_charset())
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _disposition(part: Message) -> str:
    return (part.get_content_disposition() or "").lower()


def _filename(part: Message) -> str:
    name = part.get_filename() or part.get_param("name") or ""
    if isinstance(name, tuple):  # an undecoded RFC 2231 triple
        name = email.utils.collapse_rfc2231_value(name)
    name = decode_header(_repair_8bit(str(name)))
    name = posixpath.basename(name.replace("\\", "/"))  # never a path
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200]


def _type_allowed(content_type: str, allowed: Collection[str] | None) -> bool:
    if allowed is None:
        return True
    major = content_type.split("/", 1)[0]
    return any(a.lower() in (content_type, f"{major}/*", "*/*", "*") for a in allowed)


def _refusal_type(filename: str, content_type: str, allowed: Collection[str] | None) -> str | None:
    """The type to name when refusing the attachment, or None when it is allowed.

    Both the declared type and the type its file name suggests must be allowed, so that
    "faktura.pdf.exe" declared as application/pdf is refused.
    """
    if not _type_allowed(content_type, allowed):
        return content_type
    guessed = mimetypes.guess_type(filename, strict=False)[0] if filename else None
    if guessed and guessed.lower() != content_type and not _type_allowed(guessed.lower(), allowed):
        return guessed.lower()
    return None


def _default_name(part: Message, content_type: str, number: int) -> str:
    if content_type == "message/rfc822":
        return f"message-{number}.eml"
    extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
    stem = "image" if content_type.startswith("image/") else "attachment"
    return f"{stem}-{number}{extension}"


def _attachments(
    parts: list[Message],
    max_bytes: int | None,
    allowed: Collection[str] | None,
) -> tuple[list[Attachment], list[AttachmentProblem]]:
    accepted: list[Attachment] = []
    problems: list[AttachmentProblem] = []
    for number, part in enumerate(parts, start=1):
        content_type = part.get_content_type().lower()
        content = _content(part)
        filename = _filename(part)
        if content_type == "application/octet-stream" and filename:
            content_type = (mimetypes.guess_type(filename, strict=False)[0] or content_type).lower()
        filename = filename or _default_name(part, content_type, number)
        size = len(content)
        refused_type = _refusal_type(filename, content_type, allowed)
        if refused_type:
            problems.append(
                AttachmentProblem(
                    filename,
                    content_type,
                    size,
                    PROBLEM_TYPE_NOT_ALLOWED,
                    _(
                        "The attachment %(name)s was refused: files of the type %(type)s are not "
                        "allowed."
                    )
                    % {"name": filename, "type": refused_type},
                )
            )
        elif max_bytes is not None and size > max_bytes:
            problems.append(
                AttachmentProblem(
                    filename,
                    content_type,
                    size,
                    PROBLEM_TOO_LARGE,
                    _(
                        "The attachment %(name)s (%(size)s) was refused: it is larger than "
                        "the limit of %(limit)s."
                    )
                    % {
                        "name": filename,
                        "size": filesizeformat(size),
                        "limit": filesizeformat(max_bytes),
                    },
                )
            )
        else:
            content_id = (part.get("Content-ID") or "").strip().strip("<>")
            inline = _disposition(part) == "inline" or (
                bool(content_id) and _disposition(part) != "attachment"
            )
            accepted.append(Attachment(filename, content_type, content, size, inline, content_id))
    return accepted, problems


def _body_parts(message: Message) -> tuple[Message | None, Message | None, list[Message]]:
    """(text/plain part, text/html part, the other leaves = attachments)."""
    plain = html = None
    others = []
    for part in _leaves(message):
        content_type = part.get_content_type()
        is_attachment = _disposition(part) == "attachment" or bool(part.get_filename())
        if not is_attachment and content_type == "text/plain" and plain is None:
            plain = part
        elif not is_attachment and content_type == "text/html" and html is None:
            html = part
        elif (
            not is_attachment
            and content_type in ("text/plain", "text/html")
            and not part.get("Content-ID")
        ):
            continue  # a further text alternative (e.g. split by Apple Mail): not a file
        else:
            others.append(part)
    return plain, html, others


# --- Entry point ---------------------------------------------------------------------------------


def parse_message(
    raw: bytes,
    *,
    max_attachment_bytes: int | None,
    allowed_types: Collection[str] | None,
) -> ParsedMail:
    """Parse one raw e-mail message (RFC 5322 / MIME).

    `max_attachment_bytes` limits each attachment (None: no limit); `allowed_types` lists the
    accepted MIME types ("application/pdf", wildcards like "image/*"; None: any). Refused
    attachments are listed in `problems`. Raises `MalformedMail` when the bytes are not an
    e-mail message (no header fields) or have no sender address.
    """
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise MalformedMail(_("The message is empty."))
    if b"\x00" in bytes(raw[:4096]).split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]:
        raise MalformedMail(_("The message header contains binary data; it is not an e-mail."))
    message = email.message_from_bytes(bytes(raw), policy=email.policy.compat32)
    if not message.keys():
        raise MalformedMail(_("The message has no header fields; it is not an e-mail."))
    senders = _addresses(message, "From") or _addresses(message, "Sender")
    if not senders:
        raise MalformedMail(_("The message has no sender address (From)."))
    allowed = None if allowed_types is None else {t.lower() for t in allowed_types}

    try:
        plain, html_part, other_parts = _body_parts(message)
        html = _text(html_part) if html_part is not None else ""
        if plain is not None:
            text = _text(plain)
        elif html:
            text = html_to_text(html)
        else:
            text = ""
        attachments, problems = _attachments(other_parts, max_attachment_bytes, allowed)
    except (LookupError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise MalformedMail(
            _("The MIME structure of the message cannot be read: %(error)s") % {"error": exc}
        ) from exc

    recipients = list(dict.fromkeys(a for _n, a in _addresses(message, "To", "Cc")))
    reply_to = _addresses(message, "Reply-To")
    in_reply_to = _message_ids(_raw_header(message, "In-Reply-To"))
    message_id = _message_ids(_raw_header(message, "Message-ID"))
    return ParsedMail(
        message_id=message_id[0] if message_id else "",
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=_message_ids(_raw_header(message, "References")),
        subject=decode_header(_raw_header(message, "Subject")),
        sender=senders[0][1],
        sender_name=senders[0][0],
        reply_to=reply_to[0][1] if reply_to else "",
        recipients=tuple(recipients),
        date=_date(_raw_header(message, "Date")),
        text=text.strip("\n"),
        html=html,
        new_text=strip_quoted(text),
        attachments=tuple(attachments),
        problems=tuple(problems),
        auto_reply=_message_is_auto(message),
    )
