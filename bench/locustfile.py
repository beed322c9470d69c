"""Locust users for the load run against `make prod`, one class per scenario of
bench/load_plan.py; bench/load_bench.py starts them (headless, bounded in time) and reads the
figures. Run by hand:

    LOAD_SETUP=var/load/setup.json .venv/bin/locust -f bench/locustfile.py --headless \
        -u 8 -r 8 -t 30s --host https://127.0.0.1:8443 LocateUser

LOAD_SETUP is the JSON written by bench/load_bench.py's set-up (points in the province, commune
and category codes, citizen tokens, signed-in IOC sessions). Each user sends its
next request as soon as the last one is answered (no think time): the figures are what the
stack can serve, and latencies include the wait for a free gunicorn worker.
"""

import io
import itertools
import json
import os
import random
import sys
import uuid
from functools import cache
from pathlib import Path

from locust import FastHttpUser, constant, task
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_plan import (  # noqa: E402
    PHOTO_SIZE,
    TILE_ZOOMS,
    bbox_around,
    multipart_body,
    path_of,
    report_fields,
    tile_of,
)

_accounts = itertools.count()


@cache
def setup() -> dict:
    return json.loads(Path(os.environ["LOAD_SETUP"]).read_text())


@cache
def photo() -> bytes:
    """A 12 MP JPEG that does not compress to nothing: a gradient under noise, as a phone's."""
    width, height = PHOTO_SIZE
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(base, noise, 0.35).save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    # The certificate of `make prod` is self-signed; what is measured is the server.
    insecure = True
    # Long enough for a photo upload queued behind others on two workers.
    network_timeout = 120.0
    connection_timeout = 30.0

    def point(self) -> tuple[float, float]:
        lon, lat = random.choice(setup()["points"])
        return lon, lat


class HealthzUser(PortalUser):
    @task
    def healthz(self):
        self.client.get(path_of("healthz"), name="GET /healthz")


class LocateUser(PortalUser):
    @task
    def locate(self):
        lon, lat = self.point()
        self.client.get(
            path_of("locate"), params={"lat": lat, "lon": lon}, name="GET /api/v1/locate"
        )


class MapDataUser(PortalUser):
    """What maps/static/maps/public.js asks: a count (one feature) for the filters chosen, then
    the pins when few enough (≤ 5,000): here a commune and a category, or a 3 km box."""

    @task(2)
    def count(self):
        params = {"page_size": 1}
        if random.random() < 0.5:
            params["commune"] = random.choice(setup()["communes"])
        self.client.get(path_of("map-data"), params=params, name="GET map data: count")

    @task(1)
    def commune_pins(self):
        params = {
            "commune": random.choice(setup()["communes"]),
            "category": random.choice(setup()["categories"]),
            "page_size": 5000,
        }
        self.client.get(path_of("map-data"), params=params, name="GET map data: commune pins")

    @task(1)
    def box_pins(self):
        params = {"bbox": bbox_around(*self.point(), km=3), "page_size": 5000}
        self.client.get(path_of("map-data"), params=params, name="GET map data: 3 km box pins")


class TileUser(PortalUser):
    @task
    def tile(self):
        z = random.choice(TILE_ZOOMS)
        x, y = tile_of(*self.point(), z)
        self.client.get(path_of("tile", z=z, x=x, y=y), name=f"GET tile z{z}")


class CitizenUser(PortalUser):
    """A signed-in citizen filing a report; a new Idempotency-Key each time (no retries)."""

    abstract = True

    def on_start(self):
        tokens = setup()["tokens"]
        self.token = tokens[next(_accounts) % len(tokens)]

    def submit(self, files: list, name: str):
        lon, lat = self.point()
        fields = report_fields(
            lon=lon,
            lat=lat,
            category=random.choice(setup()["categories"]),
            number=random.randrange(10**6),
        )
        body, content_type = multipart_body(fields, files)
        headers = {
            "Authorization": f"Token {self.token}",
            "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": content_type,
        }
        with self.client.post(
            path_of("intake"), data=body, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")


class IntakeUser(CitizenUser):
    @task
    def text_only(self):
        self.submit([], "POST report (text)")


class IntakePhotoUser(CitizenUser):
    @task
    def with_photo(self):
        self.submit([("media", "IMG_0001.jpg", photo(), "image/jpeg")], "POST report (12 MP photo)")


class InboxUser(PortalUser):
    """An IOC operator reading the inbox, in a session bench/load_bench.py signed in on the web
    with password and TOTP code at set-up (one account per simulated operator)."""

    def on_start(self):
        sessions = setup()["sessions"]
        cookies = sessions[next(_accounts) % len(sessions)]
        self.cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())

    @task(3)
    def inbox_page(self):
        self.client.get(
            path_of("inbox-web"), headers={"Cookie": self.cookie}, name="GET IOC inbox (web)"
        )

    @task(1)
    def inbox_api(self):
        self.client.get(
            path_of("inbox-api"), headers={"Cookie": self.cookie}, name="GET IOC inbox (API)"
        )
