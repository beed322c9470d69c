"""Which webhook addresses the portal will POST to: https, or plain http to this machine only
where FORWARDING_ALLOW_HTTP allows it (a local receiver in tests or a co-located relay)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})


def webhook_url_problem(url: str) -> str:
    """Why the portal refuses to send to `url` (in the user's language), or "" when it may."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if not host:
        return _("Địa chỉ webhook phải là một URL đầy đủ (https://…).")
    if parts.username or parts.password:
        return _("Không ghi tên đăng nhập hay mật khẩu trong địa chỉ webhook.")
    if parts.scheme == "https":
        return ""
    if parts.scheme == "http" and settings.FORWARDING_ALLOW_HTTP and host in LOCAL_HOSTS:
        return ""
    return _("Địa chỉ webhook phải dùng https.")


def webhook_url_validate(url: str) -> None:
    """The model field's validator (the admin form runs it)."""
    problem = webhook_url_problem(url)
    if problem:
        raise ValidationError(problem, code="webhook_url")
