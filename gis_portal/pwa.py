"""The phone app: the web app manifest, the service worker (at the root, so it controls every
page) and the two small pages it needs — the offline shell of the report form and the session
state the queued sends ask before posting (gis_portal/static/pwa/)."""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gis_portal.i18n import catalogue_version
from gis_portal.pwa_icons import ICON_SIZES, THEME_COLOUR
from reports.forms import ReportForm
from reports.web_views import HOTLINES

BACKGROUND_COLOUR = "#ffffff"

# What the report form needs without a connection. The submit page's module graph is listed
# whole: a module that fails to load stops the page's script.
SHELL_STATIC = (
    "css/portal.css",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "reports/submit.js",
    "reports/map.js",
    "reports/steps.js",
    "reports/summary.js",
    "reports/draft.js",
    "reports/photos.js",
    "reports/choices.js",
    "mapcore/core.js",
    "mapcore/dom.js",
    "mapcore/i18n.js",
    "mapcore/net.js",
    "mapcore/map.js",
    "mapcore/popup.js",
    "mapcore/pointtiles.js",
    "pwa/app.js",
    "pwa/outbox.js",
    *(f"pwa/icon-{size}.png" for size in ICON_SIZES),
    *(f"pwa/maskable-{size}.png" for size in ICON_SIZES),
)
# Leaflet's stylesheet finds its marker images under their plain names, even when collected
# under hashed ones (gis_portal/staticfiles.py).
LEAFLET_IMAGES = ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")


def _boundaries_url() -> str:
    # The very URL the report form's map asks for (templates/reports/submit.html).
    return reverse("boundary-list") + "?level=commune&simplify=50&page_size=100"


def _config() -> dict:
    plain = settings.STATIC_URL  # with the script prefix: Django adds it to a relative one
    return {
        "shell": reverse("pwa-shell"),
        "submitPage": reverse("reports-web:submit"),
        "session": reverse("pwa-session"),
        "submitApi": reverse("report-list"),
        "static": [static(name) for name in SHELL_STATIC]
        + [f"{plain}vendor/leaflet/images/{name}" for name in LEAFLET_IMAGES],
        # Public data, refreshed from the network whenever there is one.
        "data": [reverse("category-list"), _boundaries_url()],
        # The JavaScript catalogues (versioned URLs, as base.html loads them): the offline
        # form's scripts still find their text.
        "catalogue": [
            reverse("jsi18n", args=[code, catalogue_version()]) for code, _n in settings.LANGUAGES
        ],
    }


@lru_cache(maxsize=1)
def _worker_version() -> str:
    """Changes with the worker and with any file of the shell, so that a deploy installs a new
    worker, which fills a new cache and deletes the old ones."""
    digest = hashlib.sha256(get_template("pwa/sw.js").template.source.encode())
    for name in (*SHELL_STATIC, *(f"vendor/leaflet/images/{n}" for n in LEAFLET_IMAGES)):
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    digest.update(json.dumps(_config(), sort_keys=True).encode())
    return digest.hexdigest()[:12]


def _fresh(response: HttpResponse) -> HttpResponse:
    # Browsers then ask again on every update check: a deploy reaches them on their next visit.
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    config = {**_config(), "version": _worker_version()}
    body = render_to_string(
        "pwa/sw.js", {"config": json.dumps(config), "outbox_url": static("pwa/outbox.js")}
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Served from /sw.js it may control the whole site; the header says so explicitly.
    response["Service-Worker-Allowed"] = "/"
    return _fresh(response)


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [
        {
            "src": static(f"pwa/{kind}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for kind, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in ICON_SIZES
    ]
    data = {
        "id": "/",
        "name": _("Điện Biên — Phản ánh hiện trường"),
        "short_name": _("Phản ánh ĐB"),
        "description": _(
            "Gửi phản ánh hiện trường tới chính quyền tỉnh Điện Biên, cả khi mất mạng."
        ),
        "lang": translation.get_language(),
        "dir": "ltr",
        "start_url": reverse("reports-web:submit"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return _fresh(HttpResponse(body, content_type="application/manifest+json; charset=utf-8"))


@require_GET
def offline_shell(request: HttpRequest) -> HttpResponse:
    """The report form with nobody's name in it: the worker caches this page (fetched without
    cookies) and shows it for the form when there is no connection. Name and phone may stay
    empty there: the API then takes them from the citizen's account."""
    form = ReportForm()
    for name in ("full_name", "phone"):
        form.fields[name].required = False
    context = {"form": form, "hotlines": HOTLINES, "pwa_shell": True}
    return _fresh(render(request, "reports/submit.html", context))


@require_GET
def session_state(request: HttpRequest) -> JsonResponse:
    """Whether the citizen is still signed in, and the CSRF token a queued send posts with."""
    signed_in = request.user.is_authenticated
    response = JsonResponse({"signed_in": signed_in, "csrf_token": get_token(request)})
    patch_cache_control(response, no_store=True, private=True)
    return response


urlpatterns = [
    path("sw.js", service_worker, name="pwa-sw"),
    path("manifest.webmanifest", manifest, name="pwa-manifest"),
    path("ung-dung/phan-anh-ngoai-tuyen/", offline_shell, name="pwa-shell"),
    path("ung-dung/phien/", session_state, name="pwa-session"),
]
