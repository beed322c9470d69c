from django.conf import settings

from reports import policy


def portal(request) -> dict:
    """Values every page shows: the data credit the licence asks for, and which menus the
    user's role opens (as the reports policy says)."""
    user = getattr(request, "user", None)
    return {
        "portal_data_credit": settings.DATA_CREDIT,
        "portal_menu": {
            "ioc": policy.user_is_ioc(user),
            "officer": policy.user_is_officer(user),
            "analyst": policy.user_is_analyst(user),
        },
    }
