from django.conf import settings

from gis_portal.i18n import catalogue_version
from reports import policy
from reports.selectors import notification_count_unread
from reports.selectors_channels import draft_count_open


def portal(request) -> dict:
    """Values every page shows: the data credit the licence asks for, and which menus the
    user's role opens (as the reports policy says)."""
    user = getattr(request, "user", None)
    return {
        "portal_data_credit": settings.DATA_CREDIT,
        # The JavaScript catalogue's URL carries it (base.html): cached until it changes.
        "portal_catalogue_version": catalogue_version(),
        "portal_menu": {
            "ioc": policy.user_is_ioc(user),
            "supervisor": policy.user_is_supervisor(user),
            "officer": policy.user_is_officer(user),
            "analyst": policy.user_is_analyst(user),
            "volunteer": policy.user_is_volunteer(user),
            # Counted only on pages that show them (the template calls them).
            "unread": (lambda: notification_count_unread(user=user))
            if policy.user_authenticated(user)
            else 0,
            "drafts_open": (lambda: draft_count_open(user=user)) if policy.user_is_ioc(user) else 0,
        },
    }
