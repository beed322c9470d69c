"""Photos and videos of reports, served only to those the reports policy lets see the report.

The storage name is unguessable, but that is not what protects it: a report that is hidden, or
not yet public, stops answering at once for everyone else. Media in a bucket (MEDIA_STORAGE=s3)
are answered with a redirect to a link signed for MEDIA_SIGNED_URL_SECONDS.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from gis_portal.storage import media_signed_url
from reports import selectors
from reports.errors import ReportNotFound


@require_safe
def media(request: HttpRequest, name: str) -> HttpResponse:
    try:
        item = selectors.media_get(user=request.user, name=name)
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    # `name` is the photo itself or one of its thumbnails (media_get checked which).
    content_type = mimetypes.guess_type(name)[0] or item.content_type or "application/octet-stream"
    return stored_file_response(name, content_type=content_type)


def stored_file_response(name: str, *, content_type: str) -> HttpResponse:
    """A stored file the caller has just been allowed to see (here, and a channel draft's
    photos for the IOC), answered so that no cache keeps it past the next policy check."""
    signed = media_signed_url(name, content_type=content_type)
    if signed:
        # In a private bucket: a link that works for a minute, never kept by a cache, so the
        # next look asks the policy again.
        response = HttpResponseRedirect(signed)
        response["Cache-Control"] = "private, no-store"
        return response
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        try:
            handle = default_storage.open(name, "rb")
        except FileNotFoundError as exc:
            raise Http404(gettext("Không tìm thấy tệp.")) from exc
        response = FileResponse(handle, content_type=content_type)
    # Caches must ask again: the answer changes the moment a report is hidden.
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
