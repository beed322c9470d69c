"""The province's mailbox (a real dovecot) and the mail server the replies go to (a real
aiosmtpd), started once for the e-mail intake tests; the portal configured to use both."""

import io
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from PIL import Image

from reports.models import Role
from reports.services.media import GPS_IFD
from tests.mailin._servers import PASSWORD, USER, Dovecot, SmtpSink
from tests.reports.factories import CategoryFactory, UserFactory

# Phường Điện Biên Phủ (03127), as in tests/reports.
DBP = (103.0578, 21.4156)
SENDER = "lo.van.dan@example.test"
OUR_ADDRESS = "phananh@dienbien.gov.vn"


@pytest.fixture(scope="session")
def dovecot():
    server = Dovecot()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def mailbox(dovecot, smtp_sink, settings, db):
    """An empty INBOX the portal reads, and replies sent to the sink (none in it yet)."""
    dovecot.empty()
    with smtp_sink.inbox.lock:
        smtp_sink.inbox.messages.clear()
    settings.MAILIN_IMAP_HOST = "127.0.0.1"
    settings.MAILIN_IMAP_PORT = dovecot.port
    settings.MAILIN_IMAP_SECURITY = "none"
    settings.MAILIN_IMAP_USER = USER
    settings.MAILIN_IMAP_PASSWORD = PASSWORD
    settings.MAILIN_REPLY_FROM = OUR_ADDRESS
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.NOTIFY_PORTAL_URL = "https://phananh.dienbien.gov.vn"
    return dovecot


@pytest.fixture
def category(db):
    return CategoryFactory(code="ve-sinh-moi-truong", name="Vệ sinh môi trường")


@pytest.fixture
def ioc(db):
    return UserFactory(username="ioc", role=Role.IOC_OPERATOR)


def jpeg(*, gps: tuple[float, float] | None = DBP, size=(64, 48)) -> bytes:
    """A phone photo: camera make and model, and a GPS block when `gps` is given."""
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"
    exif[0x0110] = "Model X"
    if gps is not None:
        block = exif.get_ifd(GPS_IFD)
        block[1], block[2] = "N", _dms(gps[1])
        block[3], block[4] = "E", _dms(gps[0])
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def citizen_mail(
    *,
    subject: str = "Rác thải đổ ven suối Nậm Rốm",
    text: str | None = "Bãi rác tự phát ven suối, bốc mùi hôi cả tuần nay.",
    html: str | None = None,
    sender: str = f"Lò Văn Dân <{SENDER}>",
    photos: list[tuple[str, bytes]] = (),
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = OUR_ADDRESS
    if subject:
        message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.test")
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, content in photos:
        message.add_attachment(content, maintype="image", subtype="jpeg", filename=name)
    return message
