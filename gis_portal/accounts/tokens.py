"""API tokens: django-rest-knox keeps only a digest of each token, with an expiry; a password
change revokes every token of the account (and Django's session hash check signs out its other
sessions).

Clients still send `Authorization: Token <key>`, as with DRF's former plain-text tokens.
"""

import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from hmac import compare_digest

from django.conf import settings
from django.db import router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import exceptions

from gis_portal.accounts import sql_tokens
from reports.models import User
from reports.policy import user_is_staff

TOKEN_INVALID_MESSAGE = _(
    "Token không hợp lệ, đã hết hạn hoặc đã bị thu hồi: hãy đăng nhập lại để lấy token mới."
)


@dataclass(frozen=True)
class IssuedToken:
    key: str  # shown to the client once, never stored
    expiry: datetime


def token_ttl(*, user: User) -> timedelta:
    """Province staff get shorter-lived tokens than citizens: theirs open more data."""
    if user_is_staff(user):
        return timedelta(hours=settings.PORTAL_STAFF_TOKEN_TTL_HOURS)
    return timedelta(hours=settings.PORTAL_TOKEN_TTL_HOURS)


def token_issue(*, user: User) -> IssuedToken:
    """A new token for the account; the oldest are dropped past the per-account limit."""
    instance, key = AuthToken.objects.create(user=user, expiry=token_ttl(user=user))
    kept = AuthToken.objects.filter(user=user).order_by("-created").values("digest")
    AuthToken.objects.filter(user=user).exclude(
        digest__in=kept[: settings.PORTAL_TOKENS_PER_USER]
    ).delete()
    return IssuedToken(key=key, expiry=instance.expiry)


def token_revoke(*, token: AuthToken) -> None:
    token.delete()


def tokens_revoke(*, user: User) -> int:
    """Revoke every API token of the account (sign out everywhere, password change, erasure)."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


# --- a changed password revokes the tokens -------------------------------------------------
# Connected in AccountsConfig.ready, so every path is covered: the admin's and Django's password
# forms, `changepassword`, a service calling set_password() or set_unusable_password().

LOADED_HASH = "_portal_loaded_password"


def password_remember(sender, instance: User, **kwargs) -> None:
    # A deferred password is not loaded here (that would cost a query per instance).
    if "password" in instance.__dict__:
        instance.__dict__[LOADED_HASH] = instance.password


def password_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    written = update_fields is None or "password" in update_fields
    loaded = instance.__dict__.get(LOADED_HASH)
    # `_password` holds the new raw password from set_password() until save() has finished.
    changed = written and (
        getattr(instance, "_password", None) is not None
        or (loaded is not None and loaded != instance.password)
    )
    if changed and not created:
        tokens_revoke(user=instance)
    if written:
        instance.__dict__[LOADED_HASH] = instance.password


# --- authentication ------------------------------------------------------------------------


class TokenRejected(exceptions.APIException):
    """A token that is wrong, expired or revoked: 401 with `WWW-Authenticate: Token`, telling the
    client to sign in again. Not an AuthenticationFailed, which DRF turns into a 403 whenever
    session authentication comes first in the list."""

    status_code = 401
    default_detail = TOKEN_INVALID_MESSAGE
    default_code = "authentication_failed"
    auth_header = settings.REST_KNOX["AUTH_HEADER_PREFIX"]


class PortalTokenAuthentication(TokenAuthentication):
    """knox's token check (an expired token is deleted on sight, and so are the account's other
    expired tokens), answered as TokenRejected, in one statement instead of knox's two.

    A token is 32 random bytes: one SHA-512 of it (knox's digest) is all the check needs, no
    slow KDF; the database still holds only the digest."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise TokenRejected() from exc

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("utf-8")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error) as exc:
            raise exceptions.AuthenticationFailed() from exc
        now = timezone.now()
        # knox reads all of the account's tokens on every request to find expired ones; asking
        # whether there is one, in the same statement, spares that round trip.
        candidates = sql_tokens.tokens_with_users(
            alias=router.db_for_read(AuthToken),
            key_prefix=text[: CONSTANTS.TOKEN_KEY_LENGTH],
            now=now,
        )
        for auth_token, others_expired in candidates:
            if others_expired:
                self._others_expired_delete(auth_token, now=now)
            if auth_token.expiry is not None and auth_token.expiry < now:
                auth_token.delete()
                token_expired.send(
                    sender=self.__class__,
                    username=auth_token.user.get_username(),
                    source="auth_token",
                )
                continue
            if compare_digest(digest, auth_token.digest):
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed()

    def _others_expired_delete(self, auth_token: AuthToken, *, now: datetime) -> None:
        expired = AuthToken.objects.filter(user=auth_token.user, expiry__lt=now).exclude(
            digest=auth_token.digest
        )
        for other in expired:
            other.delete()
            token_expired.send(
                sender=self.__class__,
                username=auth_token.user.get_username(),
                source="other_token",
            )


class PortalTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme keeps the name and shape of DRF's former token scheme."""

    target_class = PortalTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=settings.REST_KNOX["AUTH_HEADER_PREFIX"]
        )
