"""The province's mailbox, read over IMAP (imaplib) by a beat task: every new mail of the folder
is handled once, in UID order, and the cursor (MailboxCursor) moves past it as soon as it is
handled, so a poll cut short carries on where it stopped. A mail handled twice (a cursor not
yet saved) does no harm: drafts and replies are keyed by the Message-ID."""

import contextlib
import imaplib
import logging
import re
import ssl
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from mailin.models import MailboxCursor
from mailin.services.intake import mail_receive

logger = logging.getLogger(__name__)
LOCK_KEY = "mailin:imap-poll"
UID_SIZE = re.compile(rb"UID (\d+).*?RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+).*?UID (\d+)")
UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
# Polls that try a mail that breaks the code before it is skipped (and left unread).
MAX_ATTEMPTS = 3


class MailboxError(Exception):
    """The mail server refused or broke off; the next poll tries again."""


@dataclass(frozen=True)
class PollOutcome:
    handled: int = 0
    drafts: int = 0
    filed: int = 0
    ignored: int = 0
    refused: int = 0
    skipped_busy: bool = False


def _check(response: tuple, what: str):
    status, data = response
    if status != "OK":
        raise MailboxError(f"IMAP {what} answered {status}")
    return data


def imap_connect() -> imaplib.IMAP4:
    host, port = settings.MAILIN_IMAP_HOST, settings.MAILIN_IMAP_PORT
    timeout = settings.MAILIN_IMAP_TIMEOUT_SECONDS
    security = settings.MAILIN_IMAP_SECURITY
    if security == "ssl":
        context = ssl.create_default_context()
        connection = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
    else:
        connection = imaplib.IMAP4(host, port, timeout=timeout)
        if security == "starttls":
            connection.starttls(ssl_context=ssl.create_default_context())
    try:
        _check(connection.login(settings.MAILIN_IMAP_USER, settings.MAILIN_IMAP_PASSWORD), "LOGIN")
    except imaplib.IMAP4.error as exc:
        connection.shutdown()
        # imaplib's text may quote the server's answer; never the credentials.
        raise MailboxError("IMAP login refused") from exc
    return connection


def _mailbox_key() -> str:
    return f"{settings.MAILIN_IMAP_HOST}:{settings.MAILIN_IMAP_PORT}/{settings.MAILIN_IMAP_FOLDER}"


def _uidvalidity(connection: imaplib.IMAP4) -> int:
    _typ, data = connection.response("UIDVALIDITY")
    if data and data[0]:
        return int(data[0])
    status = _check(connection.status(_quoted(settings.MAILIN_IMAP_FOLDER), "(UIDVALIDITY)"), "")
    found = UIDVALIDITY.search(status[0] or b"")
    if found is None:
        raise MailboxError("IMAP server gave no UIDVALIDITY")
    return int(found.group(1))


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _new_uids(connection: imaplib.IMAP4, cursor: MailboxCursor | None, validity: int) -> list:
    if cursor is None or cursor.uidvalidity != validity:
        # First contact with this folder (or it was rebuilt): the mail nobody has read yet,
        # not years of the mailbox's history answered at once.
        data = _check(connection.uid("SEARCH", None, "UNSEEN"), "SEARCH")
    else:
        data = _check(connection.uid("SEARCH", None, f"UID {cursor.last_uid + 1}:*"), "SEARCH")
    uids = sorted(int(uid) for uid in (data[0] or b"").split())
    # "n:*" always names the newest mail, even one below n.
    if cursor is not None and cursor.uidvalidity == validity:
        uids = [uid for uid in uids if uid > cursor.last_uid]
    return uids[: settings.MAILIN_IMAP_BATCH]


def _sizes(connection: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    data = _check(
        connection.uid("FETCH", ",".join(str(uid) for uid in uids), "(UID RFC822.SIZE)"), "FETCH"
    )
    sizes = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        found = UID_SIZE.search(line or b"")
        if found:
            uid, size = (found.group(1), found.group(2)) if found.group(1) else found.group(4, 3)
            sizes[int(uid)] = int(size)
    return sizes


def _fetch(connection: imaplib.IMAP4, uid: int, *, headers_only: bool) -> bytes:
    # PEEK: the server's \Seen flag is set only once the mail is handled.
    part = "BODY.PEEK[HEADER]" if headers_only else "BODY.PEEK[]"
    data = _check(connection.uid("FETCH", str(uid), f"({part})"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    raise MailboxError(f"IMAP server sent no body for UID {uid}")


def _failed_again(key: str, validity: int, uid: int) -> int:
    """How often this mail has now failed (kept in the shared cache for a day)."""
    counter = f"mailin:failures:{key}:{validity}:{uid}"
    cache.add(counter, 0, timeout=86400)
    return cache.incr(counter)


def _cursor_advance(key: str, validity: int, uid: int) -> None:
    MailboxCursor.objects.update_or_create(
        mailbox=key, defaults={"uidvalidity": validity, "last_uid": uid}
    )


def imap_poll() -> PollOutcome:
    """Read the folder's new mail once. One poll at a time across every worker and node (a
    lock in the shared cache); a poll that finds another running returns at once."""
    if not settings.MAILIN_IMAP_HOST:
        return PollOutcome()
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=settings.MAILIN_IMAP_LOCK_SECONDS):
        return PollOutcome(skipped_busy=True)
    try:
        return _poll()
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _poll() -> PollOutcome:
    counts = {"drafts": 0, "filed": 0, "ignored": 0, "refused": 0}
    statuses = {"draft": "drafts", "filed": "filed", "ignored": "ignored", "refused": "refused"}
    key = _mailbox_key()
    try:
        connection = imap_connect()
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"IMAP connection failed: {type(exc).__name__}") from exc
    handled = 0
    try:
        _check(connection.select(_quoted(settings.MAILIN_IMAP_FOLDER)), "SELECT")
        validity = _uidvalidity(connection)
        cursor = MailboxCursor.objects.filter(mailbox=key).first()
        uids = _new_uids(connection, cursor, validity)
        sizes = _sizes(connection, uids) if uids else {}
        for uid in uids:
            size = sizes.get(uid, 0)
            oversized = size > settings.MAILIN_MAX_MESSAGE_BYTES
            raw = _fetch(connection, uid, headers_only=oversized)
            try:
                outcome = mail_receive(raw=raw, size=size if oversized else None)
            except DatabaseError:
                raise  # the database is away: the next poll starts again from this mail
            except Exception:  # noqa: BLE001 — one mail the code cannot read must not block the rest
                if _failed_again(key, validity, uid) < MAX_ATTEMPTS:
                    # Perhaps passing (the media storage away): the next poll tries it again,
                    # and the mail behind it waits, so the order is kept.
                    logger.exception("Mail UID %s could not be handled; tried again later", uid)
                    break
                # Left unread in the mailbox for a person to look at.
                logger.exception("Mail UID %s could not be handled; skipped, left unread", uid)
                _cursor_advance(key, validity, uid)
                continue
            counts[statuses[outcome.status]] += 1
            handled += 1
            _cursor_advance(key, validity, uid)
            connection.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"IMAP poll broke off: {type(exc).__name__}") from exc
    finally:
        _logout(connection)
    if handled:
        logger.info("Mailbox poll: %s mail(s) handled %s", handled, counts)
    return PollOutcome(handled=handled, **counts)


def _logout(connection: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        connection.logout()
