"""API tokens: django-rest-knox keeps only a digest of each token, with an expiry; a password
change revokes every token of the account (and Django's session hash check signs out its other
sessions).

Clients still send `Authorization: Token <key>`, as with DRF's former plain-text tokens.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

from reports.models import User
from reports.policy import user_is_staff

TOKEN_INVALID_MESSAGE = (
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
    """knox's token check (an expired token is deleted on sight), answered as TokenRejected."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise TokenRejected() from exc


class PortalTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme keeps the name and shape of DRF's former token scheme."""

    target_class = PortalTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=settings.REST_KNOX["AUTH_HEADER_PREFIX"]
        )
