"""The second step of signing in: enter a code from the authenticator app, or set one up."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gis_portal.accounts.forms import CodeForm
from gis_portal.accounts.qr import qr_svg, secret_text
from gis_portal.accounts.twofactor import (
    code_check,
    device_confirmed_get,
    device_enrolment_get,
    session_verified,
    session_verify,
    step_url,
)
from reports.policy import user_needs_two_factor


def _next_url(request: HttpRequest) -> str:
    """Where to go once verified: the page asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    steps = (reverse("twofactor:verify"), reverse("twofactor:enrol"))
    if not safe or url.startswith(steps):
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return url


def _done(request: HttpRequest) -> HttpResponse | None:
    """Nothing to do here for accounts that need no second factor or already gave it."""
    user = request.user
    if not user_needs_two_factor(user) or session_verified(user):
        return redirect(_next_url(request))
    return None


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if (done := _done(request)) is not None:
        return done
    next_url = _next_url(request)
    device = device_confirmed_get(user=request.user)
    if device is None:
        return redirect(step_url(user=request.user, next_url=next_url)[0])
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = code_check(device=device, code=form.cleaned_data["otp"])
        if check.ok:
            session_verify(request, device=device)
            return redirect(next_url)
        form.add_error("otp", check.message)
    return render(request, "twofactor/verify.html", {"form": form, "next": next_url})


# never_cache: the page shows the secret, which no browser or proxy cache may keep.
@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    if (done := _done(request)) is not None:
        return done
    next_url = _next_url(request)
    if device_confirmed_get(user=request.user) is not None:
        # Set up already: a new device is added only after an administrator resets the old.
        return redirect(step_url(user=request.user, next_url=next_url)[0])
    device = device_enrolment_get(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = code_check(device=device, code=form.cleaned_data["otp"])
        if check.ok:
            session_verify(request, device=device)
            messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản của bạn."))
            return redirect(next_url)
        form.add_error("otp", check.message)
    context = {
        "form": form,
        "next": next_url,
        "qr": qr_svg(device.config_url),
        "secret": secret_text(device.bin_key),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "twofactor/enrol.html", context)
