"""Which language a request is answered in, and the JavaScript catalogue.

Pages are Vietnamese unless the person chose English: the `django_language` cookie (set by the
header's switcher through Django's `set_language`), else a signed-in account's `language`.
The browser's Accept-Language is not asked for pages — many Vietnamese phones are set to
English — only for the API (/api/, /open311/), whose clients say what they want that way.
Choosing a language while signed in stores it on the account; signing in sets the cookie to
the account's choice, so it follows the person from one device to the next.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import re_path
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.i18n import JavaScriptCatalog

from reports.services.accounts import user_language_set

API_PREFIXES = ("/api/", "/open311/")
# A signed-in request whose language came from the account, or a sign-in to carry over.
ACCOUNT_LANGUAGE = "_portal_account_language"
# The catalogue's URL carries a version of the translations: cached for a year, replaced on
# the deploy that changes them.
CATALOGUE_MAX_AGE = 365 * 24 * 3600


def _supported(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIXES)


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if _is_api(request):
            super().process_request(request)  # cookie, then Accept-Language, then the default
            return
        language = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_view(self, request: HttpRequest, view, args, kwargs) -> None:
        # Here the session's user is known (authentication runs after this middleware).
        if _is_api(request) or _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
            return
        user = getattr(request, "user", None)
        language = _supported(getattr(user, "language", "")) if user is not None else None
        if language and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen is not None and signed_in and _supported(chosen.value):
            user_language_set(user=user, language=_supported(chosen.value))
        elif signed_in and getattr(request, ACCOUNT_LANGUAGE, ""):
            _language_cookie_set(response, getattr(request, ACCOUNT_LANGUAGE))
        # A page's language may come from the cookie; the catalogue's is in its URL.
        if not _is_api(request) and not request.path_info.startswith("/jsi18n/"):
            patch_vary_headers(response, ("Cookie",))
        return response


def _language_cookie_set(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _carry_account_language(sender, request, user, **kwargs) -> None:
    language = _supported(getattr(user, "language", ""))
    if request is not None and language:
        setattr(request, ACCOUNT_LANGUAGE, language)
        translation.activate(language)
        request.LANGUAGE_CODE = language


user_logged_in.connect(_carry_account_language, dispatch_uid="portal-account-language")


@lru_cache(maxsize=1)
def catalogue_version() -> str:
    """Changes with the compiled JavaScript translations (locale/*/LC_MESSAGES/djangojs.mo)."""
    digest = hashlib.sha256()
    for folder in settings.LOCALE_PATHS:
        for mo in sorted(Path(folder).glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(str(mo.relative_to(folder)).encode())
            digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


_catalogue = JavaScriptCatalog.as_view()
# The current version's body per language, made once per process: the catalogue changes only
# with a deploy, and a memo here does not depend on Redis (a cache outage would otherwise take
# every page's text with it).
_rendered: dict[str, tuple[bytes, str]] = {}


def javascript_catalogue(request: HttpRequest, language: str, version: str) -> HttpResponse:
    """Django's catalogue in the language of the URL (the page names its own), an external
    same-origin script as the CSP wants. An old version's URL still answers, uncached."""
    current = version == catalogue_version()
    if current and language in _rendered:
        body, content_type = _rendered[language]
        response = HttpResponse(body, content_type=content_type)
    else:
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = _catalogue(request)
        if current:
            _rendered[language] = (response.content, response["Content-Type"])
    if current:
        patch_cache_control(response, public=True, max_age=CATALOGUE_MAX_AGE, immutable=True)
    else:
        patch_cache_control(response, no_cache=True, max_age=0)
    return response


_LANGUAGE_PATTERN = "|".join(code for code, _name in settings.LANGUAGES)
urlpatterns = [
    re_path(
        rf"^jsi18n/(?P<language>{_LANGUAGE_PATTERN})/(?P<version>[0-9a-f]{{12}})\.js$",
        javascript_catalogue,
        name="jsi18n",
    ),
]
