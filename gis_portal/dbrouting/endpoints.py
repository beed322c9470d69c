"""Which endpoints may read from the replica, and which tables never do: the one list.

Read-heavy endpoints whose readers accept data a few seconds old: the public map's data and
tiles, exports, statistics, Open311's GET side and the boundaries. Everything else reads the
primary: the reporter's own pages, case pages, the IOC inbox, agency queues, the admin, any
write. Endpoints only staff can use (analysts' layers, the officers' map) are not listed:
staff always read the primary (gis_portal.dbrouting.middleware.replica_allowed).
"""

from django.urls import ResolverMatch

# URL names (gis_portal.urls and the apps' urls.py).
REPLICA_READ_VIEWS = frozenset(
    {
        "maps-public-reports",
        "maps-public-tiles",
        "maps-export",
        "stats",
        "stats-ranking",
        "stats-page",
        "locate",
        "boundary-list",
        "boundary-detail",
    }
)
# Every GET of these URL namespaces.
REPLICA_READ_NAMESPACES = frozenset({"open311"})

# Read from the primary whatever the endpoint: sign-in state, tokens, keys and permissions, so
# that a sign-out, a revoked token or Open311 key, or a changed role holds at once.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "admin", "knox", "django_otp", "otp_totp", "otp_static", "axes"}
)
PRIMARY_ONLY_MODELS = frozenset({"reports.user", "open311.apiclient"})


def endpoint_reads_replica(match: ResolverMatch | None) -> bool:
    if match is None:
        return False
    if match.view_name in REPLICA_READ_VIEWS:
        return True
    return any(namespace in REPLICA_READ_NAMESPACES for namespace in match.namespaces)


def model_reads_primary(model) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS
