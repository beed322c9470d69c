"""Uploaded media in a private S3-compatible bucket (MEDIA_STORAGE=s3, settings.operations).

A bucket's own link would skip the access policy: a report hidden after the link was handed out
would go on showing. So `url()` names the portal's media view, exactly as FileSystemStorage's
MEDIA_URL + name does, and every page, API answer and cached export keeps linking there; the
view asks the policy and answers with `signed_url()`, valid for MEDIA_SIGNED_URL_SECONDS.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.core.files.storage import storages
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PortalS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def signed_url(self, name: str, *, content_type: str) -> str:
        """A GET link for one object, signed for the configured seconds; the content type is
        the one the portal checked, whatever the object's metadata says."""
        return super().url(name, parameters={"ResponseContentType": content_type})


def media_signed_url(name: str, *, content_type: str) -> str | None:
    """Where to redirect an allowed request for `name`; None when the portal hands the bytes
    over itself (local disk: streamed, or sent by nginx after X-Accel-Redirect)."""
    storage = storages["default"]
    if isinstance(storage, PortalS3Storage):
        return storage.signed_url(name, content_type=content_type)
    return None
