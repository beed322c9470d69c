"""Uploaded media in a private S3-compatible bucket (MEDIA_STORAGE=s3, settings.operations).

A bucket's own link would skip the access policy: a report hidden after the link was handed out
would go on showing. So `url()` names the portal's media view, exactly as FileSystemStorage's
MEDIA_URL + name does, and every page, API answer and cached export keeps linking there; the
view asks the policy and answers with `signed_url()`, valid for MEDIA_SIGNED_URL_SECONDS.
"""

from django.core.files.storage import storages


def __getattr__(name: str):
    # STORAGES names "gis_portal.storage.PortalS3Storage"; its module (boto3) loads on that use.
    if name == "PortalS3Storage":
        from gis_portal.storage_s3 import PortalS3Storage

        return PortalS3Storage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def media_signed_url(name: str, *, content_type: str) -> str | None:
    """Where to redirect an allowed request for `name`; None when the portal hands the bytes
    over itself (local disk: streamed, or sent by nginx after X-Accel-Redirect)."""
    # Only PortalS3Storage signs links; asking the class would import boto3 on local disk.
    signed_url = getattr(storages["default"], "signed_url", None)
    if signed_url is not None:
        return signed_url(name, content_type=content_type)
    return None
