"""Outlines simplified per zoom band, for maps (table boundaries_simplified, migration 0004).

A map at zoom z asks for the band that serves z: at province zoom the 45 communes are ~1,600
vertices (about 10 KB compressed) instead of 158,000. Whole-province answers are cached per
boundaries version (the token the existing triggers bump) and may be kept by browsers; the fine
bands are asked for with the map's view (`bbox`), so only the units on screen travel.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from boundaries.models import AdminUnit, Edition
from boundaries.selectors import edition_at
from boundaries.serializers import DATE_ERRORS, NUMBER_ERRORS, finite_number
from boundaries.sql import INDEX_VERSION_SQL
from boundaries.sql_simplified import SIMPLIFIED_COLLECTION_SQL

# The bands of migration 0004 (each drawn with a tolerance of 0.7 pixel at its zoom) and the
# decimals its coordinates need there; the map core (mapcore/map.js BANDS) asks by them.
BANDS = (8, 10, 12, 14, 16)
DECIMALS = {8: 3, 10: 4, 12: 4, 14: 5, 16: 6}
CACHE_SECONDS = 24 * 3600
# Browsers keep an answer an hour, then revalidate it (ETag: the boundaries version).
BROWSER_MAX_AGE = 3600


def band_for(zoom: int) -> int:
    """The coarsest band still fine enough for a map at this zoom."""
    return next((band for band in BANDS if band >= zoom), BANDS[-1])


@dataclass(frozen=True)
class Collection:
    body: bytes
    etag: str


def _version_token() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(INDEX_VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


def _edition_id(*, edition_slug: str | None, at: date | None) -> int | None:
    if edition_slug:
        return Edition.objects.filter(slug=edition_slug).values_list("pk", flat=True).first()
    edition = edition_at(at=at)
    return edition.pk if edition else None


def boundary_simplified_collection(
    *,
    level: str,
    zoom: int,
    bbox: tuple[float, float, float, float] | None = None,
    edition_slug: str | None = None,
    at: date | None = None,
    province_code: str | None = None,
) -> Collection:
    """The units of one level as GeoJSON text, simplified for a map at `zoom`."""
    band = band_for(zoom)
    at = None if edition_slug else (at or timezone.localdate())
    token = _version_token()
    key_parts = [token, edition_slug, at, level, band, province_code, bbox]
    etag = hashlib.blake2b(repr(key_parts).encode(), digest_size=12).hexdigest()
    key = f"boundaries:simplified:{etag}"
    body = cache.get(key) if bbox is None else None
    if body is None:
        edition = _edition_id(edition_slug=edition_slug, at=at)
        west, south, east, north = bbox or (None, None, None, None)
        params = {
            "band": band,
            "decimals": DECIMALS[band],
            "edition": edition if edition is not None else -1,
            "level": level,
            "province": province_code,
            "west": west,
            "south": south,
            "east": east,
            "north": north,
        }
        with connection.cursor() as cursor:
            cursor.execute(SIMPLIFIED_COLLECTION_SQL, params)
            body = cursor.fetchone()[0].encode()
        if bbox is None:
            cache.set(key, body, CACHE_SECONDS)
    return Collection(body=body, etag=f'"{etag}"')


BBOX_ERROR = _("phải là 4 số west,south,east,north (độ WGS 84), west < east, south < north.")


class SimplifiedQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=AdminUnit.Level.values,
        error_messages={
            "required": _("bắt buộc phải có."),
            "invalid_choice": _('"{input}" không hợp lệ: province, district hoặc commune.'),
        },
    )
    zoom = serializers.IntegerField(min_value=0, max_value=22, error_messages=NUMBER_ERRORS)
    bbox = serializers.CharField(required=False, max_length=120)
    edition = serializers.SlugField(required=False)
    at = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS
    )
    province = serializers.RegexField(
        r"^\d{2}$", required=False, error_messages={"invalid": _("phải là mã tỉnh 2 chữ số.")}
    )

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        parts = value.split(",")
        try:
            west, south, east, north = (finite_number(float(p), "bbox") for p in parts)
        except (ValueError, serializers.ValidationError):
            raise serializers.ValidationError(BBOX_ERROR) from None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise serializers.ValidationError(BBOX_ERROR)
        return west, south, east, north


class SimplifiedBoundaryView(APIView):
    """Units of one level as GeoJSON, simplified for a map at `zoom` (bands 8/10/12/14/16).

    Public and the same for everyone: no session is read, so the answer varies on no cookie.
    """

    authentication_classes: list = []

    @extend_schema(
        parameters=[SimplifiedQuerySerializer],
        responses={(200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def get(self, request: Request) -> HttpResponse:
        query = SimplifiedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        collection = boundary_simplified_collection(
            level=data["level"],
            zoom=data["zoom"],
            bbox=data.get("bbox"),
            edition_slug=data.get("edition"),
            at=data.get("at"),
            province_code=data.get("province"),
        )
        cache_control = f"public, max-age={BROWSER_MAX_AGE}"
        if request.headers.get("If-None-Match") == collection.etag:
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(collection.body, content_type="application/geo+json")
        response["ETag"] = collection.etag
        response["Cache-Control"] = cache_control
        # The middleware looked at the session (who is signed in), but this answer is the same
        # for everyone: without this, Vary: Cookie would keep shared caches from reusing it.
        if not request.session.modified:
            request.session.accessed = False
        return response
