"""An incoming e-mail, read into what a report needs (stdlib `email`, policy=default): who sent
it, its subject and text, its image attachments, and whether a person wrote it at all."""

import hashlib
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from html.parser import HTMLParser

# RFC 3834 and the headers auto-responders actually send (vacation notices, ticket systems).
AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
BOUNCE_LOCALPARTS = {"mailer-daemon", "postmaster"}
# A reply quoted under the citizen's text, and a signature: the IOC needs neither.
SIGNATURE = re.compile(r"\n-- ?\n.*\Z", re.S)
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"}
_SKIPPED_TAGS = {"script", "style", "head", "title"}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class IncomingMail:
    message_id: str
    address: str
    display_name: str
    subject: str
    text: str
    references: str = ""
    attachments: tuple[Attachment, ...] = ()
    # Why no person is waiting for an answer (auto-reply, bounce, list), or "".
    automatic: str = ""


class _TextOfHtml(HTMLParser):
    """The visible text of an HTML body; nothing of it is ever rendered, only read as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS and self._skipping:
            self._skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = SIGNATURE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    # Quoted earlier messages ("> …") are the conversation's history, not this report.
    lines = [line for line in lines if not line.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _sender(message: EmailMessage) -> Address | None:
    try:
        addresses = message["From"].addresses if message["From"] is not None else ()
    except (AttributeError, IndexError, ValueError):
        return None
    return addresses[0] if addresses else None


def _automatic(message: EmailMessage, address: str) -> str:
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return "auto-submitted"
    if str(message.get("Precedence", "")).strip().lower() in BULK_PRECEDENCE:
        return "precedence"
    if any(message.get(name) is not None for name in AUTO_HEADERS):
        return "auto-reply"
    if message.get("List-Id") is not None or message.get("List-Unsubscribe") is not None:
        return "mailing-list"
    if message.get_content_type() == "multipart/report":
        return "delivery-report"
    if not address or address.partition("@")[0].lower() in BOUNCE_LOCALPARTS:
        return "bounce"
    return ""


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, ValueError):
        return ""
    if not isinstance(content, str):
        return ""
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return _tidy(content)


def _is_photo(part) -> bool:
    if part.get_content_maintype() == "image":
        return True
    # Some mail programs label every attachment so; the media check reads the bytes anyway.
    name = (part.get_filename() or "").lower()
    return part.get_content_type() == "application/octet-stream" and name.endswith(PHOTO_SUFFIXES)


def _attachments(message: EmailMessage) -> tuple[Attachment, ...]:
    """Every leaf part that is an image, attached or inline, in the order of the message."""
    found = []
    for part in message.walk():
        if part.is_multipart() or not _is_photo(part):
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError):
            content = None
        if not isinstance(content, bytes):
            continue
        found.append(
            Attachment(
                filename=part.get_filename() or "",
                content_type=part.get_content_type(),
                content=content,
            )
        )
    return tuple(found)


def message_id_of(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID, or one made from the bytes: the same mail delivered again is the same."""
    value = "".join(str(message.get("Message-ID", "")).split())
    if value:
        return value[:255]
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@mailin.invalid>"


def mail_parse(raw: bytes, *, headers_only: bool = False) -> IncomingMail:
    """Read one message; `headers_only` for a message too large to download whole."""
    message = message_from_bytes(raw, policy=policy.default)
    sender = _sender(message)
    address = sender.addr_spec.strip() if sender is not None else ""
    return IncomingMail(
        message_id=message_id_of(message, raw),
        address=address,
        display_name=(sender.display_name.strip() if sender is not None else ""),
        subject=" ".join(str(message.get("Subject", "")).split()),
        text="" if headers_only else _text(message),
        references=" ".join(str(message.get("References", "")).split()),
        attachments=() if headers_only else _attachments(message),
        automatic=_automatic(message, address),
    )
