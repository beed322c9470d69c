"""Issuing, rotating, revoking and checking Open311 API keys."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from open311.models import ApiClient
from reports.models import Role, User

KEY_BYTES = 32


class ApiKeyInvalid(Exception):
    """No key, an unknown key or a revoked one: 403."""

    status_code = 403
    field = "api_key"


@dataclass(frozen=True)
class IssuedKey:
    client: ApiClient
    key: str  # shown once, never stored


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str, str]:
    key = secrets.token_urlsafe(KEY_BYTES)
    return key, key[:8], key_digest(key)


def _service_username() -> str:
    return f"open311-{secrets.token_hex(6)}"


@transaction.atomic
def api_client_issue(
    *, name: str, contact: str = "", notes: str = "", rate_limit_per_minute: int = 60
) -> IssuedKey:
    """A new client with its own (password-less, inactive-for-login) service account."""
    name = (name or "").strip()
    if not name:
        raise ValueError(_("Cần nhập tên ứng dụng."))
    user = User(
        username=_service_username(),
        full_name=f"Ứng dụng Open311: {name}"[:200],
        role=Role.CITIZEN,
    )
    user.set_unusable_password()
    user.save()
    key, prefix, digest = _new_key()
    client = ApiClient.objects.create(
        name=name,
        contact=contact,
        notes=notes,
        service_user=user,
        key_prefix=prefix,
        key_hash=digest,
        rate_limit_per_minute=rate_limit_per_minute,
    )
    return IssuedKey(client=client, key=key)


@transaction.atomic
def api_client_rotate(*, client: ApiClient) -> IssuedKey:
    """Replace the key (the old one stops working at once) and re-activate the client."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    key, prefix, digest = _new_key()
    client.key_prefix = prefix
    client.key_hash = digest
    client.is_active = True
    client.revoked_at = None
    client.save(update_fields=["key_prefix", "key_hash", "is_active", "revoked_at"])
    return IssuedKey(client=client, key=key)


def api_client_revoke(*, client: ApiClient) -> ApiClient:
    client.is_active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])
    return client


def api_client_authenticate(*, key: str | None) -> ApiClient:
    key = (key or "").strip()
    if not key:
        raise ApiKeyInvalid(_("Thiếu api_key: cần khóa do Trung tâm IOC cấp để gửi phản ánh."))
    client = (
        ApiClient.objects.select_related("service_user").filter(key_hash=key_digest(key)).first()
    )
    if client is None:
        raise ApiKeyInvalid(_("api_key không hợp lệ."))
    if not client.is_active:
        raise ApiKeyInvalid(_("api_key đã bị thu hồi."))
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
