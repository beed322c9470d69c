"""What the load run asks of the portal, shared by bench/locustfile.py, bench/load_bench.py and
the tests: the URLs (with the URL names they must resolve to), the scenarios, tile coordinates
and the multipart body of a report. No locust here: importing locust monkey-patches the whole
process with gevent, which a test process or the driver must not undergo."""

import math
import uuid
from dataclasses import dataclass

# Path, and the URL name it must resolve to (tests/bench/test_load_plan.py checks each).
PATHS = {
    "healthz": ("/healthz", "healthz"),
    "locate": ("/api/v1/locate", "locate"),
    "map-data": ("/api/v1/maps/public/reports/", "maps-public-reports"),
    "tile": ("/api/v1/maps/tiles/public/{z}/{x}/{y}.mvt", "maps-public-tiles"),
    "intake": ("/api/v1/reports/", "report-list"),
    "login": ("/dang-nhap/", "reports-web:login"),
    "verify": ("/xac-thuc-hai-lop/", "twofactor:verify"),
    "inbox-web": ("/ioc/hop-thu/", "reports-web:ioc-inbox"),
    "inbox-api": ("/api/v1/reports/inbox/", "report-inbox"),
}

# z 8 is a count tile from the cell cache, z 10–14 point tiles from the point-cell table, z 16 the
# raw points (maps.tiles): the zooms a visitor of the public map goes through.
TILE_ZOOMS = (8, 10, 12, 14, 16)
# Of a phone: 12 MP, which the portal re-encodes to at most 2560 px a side without metadata.
PHOTO_SIZE = (4032, 3024)


@dataclass(frozen=True)
class Scenario:
    name: str
    user_class: str
    what: str


SCENARIOS = (
    Scenario("healthz", "HealthzUser", "GET /healthz (database and Redis ping): the baseline"),
    Scenario("locate", "LocateUser", "GET /api/v1/locate at random points in the province"),
    Scenario(
        "map-data",
        "MapDataUser",
        "public GeoJSON: the map's count request, then a commune + category's pins",
    ),
    Scenario("tiles", "TileUser", f"public vector tiles at z {', '.join(map(str, TILE_ZOOMS))}"),
    Scenario(
        "intake",
        "IntakeUser",
        "POST /api/v1/reports/ (citizen token, Idempotency-Key), text only",
    ),
    Scenario("intake-photo", "IntakePhotoUser", "the same with one 12 MP phone photo"),
    Scenario(
        "inbox",
        "InboxUser",
        "IOC inbox (web page and API), sessions signed in with password + TOTP at set-up",
    ),
)
SCENARIO_NAMES = tuple(s.name for s in SCENARIOS)


def path_of(key: str, **parts) -> str:
    return PATHS[key][0].format(**parts)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web Mercator (XYZ) tile holding the point at zoom z."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def bbox_around(lon: float, lat: float, km: float) -> str:
    """west,south,east,north of a square about `km` wide centred on the point."""
    dlat = km / 2 / 111.32
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return f"{lon - dlon:.5f},{lat - dlat:.5f},{lon + dlon:.5f},{lat + dlat:.5f}"


def report_fields(*, lon: float, lat: float, category: str, number: int) -> dict[str, str]:
    return {
        "category": category,
        "title": f"Kiểm thử tải {number}: cống thoát nước bị tắc",
        "description": "Nước tràn ra đường mỗi khi mưa (phản ánh của lượt kiểm thử tải).",
        "lon": f"{lon:.6f}",
        "lat": f"{lat:.6f}",
        "full_name": "Lò Văn Tải",
        "phone": "0912345678",
    }


def multipart_body(
    fields: dict[str, str], files: list[tuple[str, str, bytes, str]]
) -> tuple[bytes, str]:
    """A multipart/form-data body (fields, then (field, filename, data, type) files) and its
    Content-Type, built here so the load client needs no multipart support of its own."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, filename, data, content_type in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
