from django.conf import settings


def portal(request) -> dict:
    """Values every page shows: the boundary data credit the data licence asks for."""
    return {"portal_data_credit": settings.DATA_CREDIT}
