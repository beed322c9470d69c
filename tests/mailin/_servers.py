"""Real mail servers for the e-mail intake tests: Debian's dovecot as the province's IMAP
mailbox (own configuration in a temporary folder, a free loopback port, plain login), and an
aiosmtpd server that takes the portal's replies."""

import email
import email.policy
import imaplib
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.processes import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "phananh@dienbien.test"
PASSWORD = "mat-khau-thu"

CONFIG = """\
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
# A wrong password is answered at once (dovecot waits 2 s by default).
auth_failure_delay = 0
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    """dovecot -F on a free port; mail is kept under a temporary folder that goes with it."""

    def __init__(self):
        if not os.path.exists(DOVECOT):
            raise RuntimeError("dovecot is not installed (scripts/setup.sh installs it)")
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="mailin-dovecot-"))
        self.process: subprocess.Popen | None = None

    def _write_config(self) -> Path:
        self.folder.chmod(0o755)
        (self.folder / "home").mkdir()
        if os.geteuid() == 0:
            # As root, dovecot's own users run its login processes; mail belongs to nobody.
            mail_user = pwd.getpwnam("nobody")
            users = ""
            shutil.chown(self.folder / "home", mail_user.pw_uid, mail_user.pw_gid)
        else:
            # Without root everything runs as the test's own user (dovecot's "rootless" mode).
            mail_user = pwd.getpwuid(os.geteuid())
            users = (
                f"default_internal_user = {mail_user.pw_name}\n"
                f"default_login_user = {mail_user.pw_name}\n"
            )
        passwd = self.folder / "passwd"
        passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        passwd.chmod(0o644)
        config = self.folder / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                folder=self.folder,
                port=self.port,
                uid=mail_user.pw_uid,
                gid=mail_user.pw_gid,
                users=users,
            )
        )
        return config

    def start(self) -> None:
        config = self._write_config()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not listen within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=5)
        connection.login(USER, PASSWORD)
        connection.select("INBOX")
        return connection

    def deliver(self, message: EmailMessage | bytes) -> None:
        """Into the INBOX, unread, as the provider's MTA would have put it there."""
        raw = message if isinstance(message, bytes) else message.as_bytes()
        connection = self.client()
        try:
            status, _ = connection.append("INBOX", None, None, raw)
            assert status == "OK"
        finally:
            connection.logout()

    def empty(self) -> None:
        connection = self.client()
        try:
            connection.store("1:*", "+FLAGS", "(\\Deleted)")
            connection.expunge()
        except imaplib.IMAP4.error:
            pass  # an empty folder has no "1:*"
        finally:
            connection.logout()

    def unseen(self) -> int:
        connection = self.client()
        try:
            _, data = connection.uid("SEARCH", None, "UNSEEN")
            return len(data[0].split())
        finally:
            connection.logout()


class _Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parsed["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(parsed)
        return "250 OK"


class SmtpSink:
    """A real SMTP server on a free loopback port, keeping every message it accepted."""

    def __init__(self):
        # aiosmtpd logs every SMTP command (and the addresses in them) at INFO.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = free_port()
        self.inbox = _Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def replies(self, in_reply_to: str | None = None) -> list[EmailMessage]:
        """The portal's automatic answers (to one mail, if given)."""
        with self.inbox.lock:
            messages = list(self.inbox.messages)
        return [
            m
            for m in messages
            if m["Auto-Submitted"] == "auto-replied"
            and (in_reply_to is None or m["In-Reply-To"] == in_reply_to)
        ]
