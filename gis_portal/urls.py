from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from gis_portal.health import healthz
from gis_portal.signin import TokenLoginView, TokenLogoutAllView, TokenLogoutView
from operations.metrics import metrics
from operations.views import health_detail

api_v1 = [
    # Watched by the login lockout and limited per client address.
    path("auth/token/", TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout/", TokenLogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", TokenLogoutAllView.as_view(), name="auth-logout-all"),
    path("", include("boundaries.urls")),
    path("", include("routing_rules.urls")),
    path("", include("reports.urls")),
    path("", include("stats.urls")),
    path("", include("privacy.api_urls")),
    path("", include("suggest.urls")),
]

# The split view serves Swagger UI's start-up script from its own URL, so the CSP needs no
# inline script; Swagger UI's stylesheet still carries inline styles and data: icons.
api_docs = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

urlpatterns = [
    # For load balancers and `make prod`: no auth, no throttle, exempt from the HTTPS redirect.
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    # The detailed checks, for staff (signed in): disk, outbox, beat, workers.
    path("trang-thai/", health_detail, name="health-detail"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("", include("gis_portal.pwa")),  # /sw.js, /manifest.webmanifest: the phone app
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the header's switcher
    path("", include("gis_portal.i18n")),  # /jsi18n/<language>/<version>.js
    path("", include("reports.web_urls")),
    path("", include("gis_portal.accounts.urls")),
    path("", include("privacy.urls")),
    path("", include("maps.urls")),
    path("", include("stats.web_urls")),
    path("", include("alerts.urls")),
    path("zalo/", include("zalo.urls")),  # the Zalo OA webhook (off without its secret)
    path("open311/v2/", include("open311.urls")),
]

if settings.DEVTOOLS_BENCH_VIEWS:  # constant answers for bench/locate_bench.py only
    urlpatterns.append(path("_bench/", include("devtools.urls")))
