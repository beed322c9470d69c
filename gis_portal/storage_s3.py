"""The S3 storage class itself (see gis_portal/storage.py): boto3 and botocore weigh ~15 MB in
each web worker, so they load only where MEDIA_STORAGE=s3 asks for this class."""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PortalS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def signed_url(self, name: str, *, content_type: str) -> str:
        """A GET link for one object, signed for the configured seconds; the content type is
        the one the portal checked, whatever the object's metadata says."""
        return super().url(name, parameters={"ResponseContentType": content_type})
