"""Portal-wide request hooks: shorter staff sessions and the sign-up form's request limit."""

from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
