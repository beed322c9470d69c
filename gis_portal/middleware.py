"""Portal-wide request hooks: shorter staff sessions, the sign-up form's request limit, and a
clear 503 for pages while the database is unreachable."""

import logging
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from gis_portal.api_errors import DATABASE_RETRY_SECONDS, DATABASE_UNAVAILABLE_MESSAGE
from gis_portal.throttles import LimitsUnavailable, PortalScopedThrottle, RequestLimited
from reports.policy import user_is_staff

# Web forms counted against the same budget as their API twin, by URL name.
FORM_THROTTLE_SCOPES = {"reports-web:register": "register"}


class StaffSessionMiddleware:
    """Staff accounts can read reporters' identities: their session cookie ends with the
    browser (the server-side session still ends after SESSION_COOKIE_AGE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view, so the sign-in request itself is covered; only when the session is
        # being written anyway (a sign-in always writes it), so no request pays an extra write,
        # and only for a signed-in session (an API token request must not get one).
        session = request.session
        if (
            settings.STAFF_SESSION_EXPIRE_AT_BROWSER_CLOSE
            and session.modified
            and SESSION_KEY in session
            and session.get("_session_expiry") != 0
            and user_is_staff(getattr(request, "user", None))
        ):
            session.set_expiry(0)
        return response


class RegistrationThrottleMiddleware:
    """The web sign-up form shares the API registration's limit per client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        scope = FORM_THROTTLE_SCOPES.get(match.view_name) if match else None
        if scope is None or request.method != "POST":
            return None
        try:
            PortalScopedThrottle().allow_request(request, SimpleNamespace(throttle_scope=scope))
        except (RequestLimited, LimitsUnavailable) as exc:
            response = render(
                request,
                "too_many_requests.html",
                {"message": exc.message},
                status=exc.status_code,
            )
            for name, value in exc.headers.items():
                response[name] = value
            return response
        return None


class DatabaseUnavailableMiddleware:
    """Pages (the API has its exception handler) answer a plain 503 with Retry-After while
    PostgreSQL restarts or fails over, instead of a 500. The page is rendered without the
    request: its context processors would query the database again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger(__name__).warning("Database unavailable: %s", exception)
        body = render_to_string(
            "service_unavailable.html", {"message": DATABASE_UNAVAILABLE_MESSAGE}
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response
