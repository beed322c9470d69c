"""Media in a private S3-compatible bucket (MEDIA_STORAGE=s3): uploads, thumbnails and rollbacks go
through the storage API into the bucket, every link the portal hands out names its own media
view, and the view answers an allowed request with a short-lived signed link, a refused one
with 404; the bucket itself never serves an object without a signature.

S3 is an external service this machine cannot reach, so the test starts a real S3 HTTP server of
its own on a free port: moto's server mode. Moto accepts a signed link at any age; S3 refuses one
past X-Amz-Date + X-Amz-Expires ("Request has expired"), and so does the server here.
"""

import io
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from PIL import Image
from werkzeug.serving import make_server

from reports.models import Media, Report
from reports.services import moderation, submission, workflow
from tests.processes import free_port
from tests.reports.media_samples import gps_jpeg
from tests.test_security import run_python

pytestmark = pytest.mark.django_db

SIGNED_SECONDS = 60


def s3_expiry(app):
    """S3's own check on a pre-signed link, which moto leaves out."""

    def checked(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "X-Amz-Date" in query and "X-Amz-Expires" in query:
            signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if datetime.now(UTC) > signed + timedelta(seconds=int(query["X-Amz-Expires"][0])):
                start_response("403 Forbidden", [("Content-Type", "application/xml")])
                return [b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"]
        return app(environ, start_response)

    return checked


class S3Server(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = s3_expiry(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


@pytest.fixture(scope="module")
def s3_endpoint():
    server = S3Server(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_storages(*, endpoint: str, bucket: str, expire: int = SIGNED_SECONDS) -> dict:
    """What settings.operations makes of MEDIA_STORAGE=s3 (test_the_environment_… proves it)."""
    return {
        "default": {
            "BACKEND": "gis_portal.storage.PortalS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": None,
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": expire,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh private bucket per test, as the portal's default storage."""
    # The keys reach boto3 from the environment only, as on a server.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "portal-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "portal-test-secret")
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="portal-test",
        aws_secret_access_key="portal-test-secret",
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = s3_storages(endpoint=s3_endpoint, bucket=name)
    settings.MEDIA_STORAGE = "s3"

    def objects() -> dict[str, bytes]:
        keys = [o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", [])]
        return {key: client.get_object(Bucket=name, Key=key)["Body"].read() for key in keys}

    return type("Bucket", (), {"name": name, "endpoint": s3_endpoint, "objects": objects})


def big_jpeg() -> SimpleUploadedFile:
    """Wider than both thumbnail sides (320, 1280), so both are made."""
    buf = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 120, 60)).save(buf, format="JPEG")
    return SimpleUploadedFile("IMG_0002.JPG", buf.getvalue(), content_type="image/jpeg")


def names_of(media: Media) -> set[str]:
    return {media.file.name, *(t["name"] for t in media.thumbnails.values())}


def test_the_environment_switches_media_to_the_bucket_and_keeps_static_files_hashed():
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    env = {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "phan-anh-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.dienbien.example",
        "DJANGO_SECRET_KEY": "k3Q!v9-prod-like-secret-0123456789abcdefghijklmnopqrstuvwxyz+=",
        "DB_PASSWORD": "a-real-password",
    }
    done = run_python(code, DJANGO_SETTINGS_MODULE="gis_portal.settings.production", **env)
    assert done.returncode == 0, done.stderr
    storages, img_src = json.loads(done.stdout.strip().splitlines()[-1])
    expected = s3_storages(endpoint="https://s3.dienbien.example", bucket="phan-anh-media")
    assert storages["default"] == expected["default"]
    assert storages["staticfiles"]["BACKEND"] == "gis_portal.staticfiles.PortalStaticFilesStorage"
    assert img_src == ["'self'", "https://s3.dienbien.example"]
    # Local disk unless told; a bucket without its name is refused at start.
    done = run_python(code, DJANGO_SETTINGS_MODULE="gis_portal.settings.test")
    storages, _ = json.loads(done.stdout.strip().splitlines()[-1])
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    done = run_python(code, DJANGO_SETTINGS_MODULE="gis_portal.settings.test", MEDIA_STORAGE="s3")
    assert done.returncode != 0 and "AWS_STORAGE_BUCKET_NAME" in done.stderr


def test_a_photo_and_its_thumbnails_land_in_the_bucket_and_nothing_on_disk(
    bucket, submit, media_root
):
    report = submit(files=[big_jpeg()])
    media = Media.objects.get(report=report)
    assert set(media.thumbnails) == {"320", "1280"}
    stored = bucket.objects()
    assert set(stored) == names_of(media)
    assert stored[media.file.name][:2] == b"\xff\xd8"
    assert Image.open(io.BytesIO(stored[media.thumbnails["320"]["name"]])).width == 320
    assert not media_root.exists() or not any(media_root.rglob("*"))


def test_every_link_handed_out_is_the_portal_view_never_the_bucket(
    bucket, client, submit, ioc, ubnd_dbp
):
    report = submit(files=[big_jpeg()])
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    media = Media.objects.get(report=report)
    detail = client.get(reverse("report-detail", args=[report.reference])).json()
    [item] = detail["media"]
    links = [item["url"], *(t["url"] for t in item["thumbnails"].values())]
    assert links == [f"http://testserver/media/{media.file.name}"] + [
        f"http://testserver/media/{media.thumbnails[s]['name']}" for s in item["thumbnails"]
    ]
    public_map = client.get(reverse("maps-public-reports")).content.decode()
    page = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    for body in (json.dumps(detail), public_map, page):
        assert bucket.endpoint not in body and "X-Amz-" not in body
    # The map shows the small thumbnail, the page the photo (and its 1280 px thumbnail).
    assert f'"/media/{media.thumbnails["320"]["name"]}"' in public_map
    assert f"/media/{media.file.name}" in page


def test_a_public_photo_redirects_to_a_signed_link_that_downloads_it(
    bucket, client, submit, ioc, ubnd_dbp
):
    report = submit(files=[big_jpeg()])
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    media = Media.objects.get(report=report)
    stored = bucket.objects()
    for name in names_of(media):
        response = client.get(f"/media/{name}")
        assert response.status_code == 302
        assert response["Cache-Control"] == "private, no-store"
        signed = response["Location"]
        assert signed.startswith(f"{bucket.endpoint}/{bucket.name}/{name}?")
        query = parse_qs(urlsplit(signed).query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert query["X-Amz-Expires"] == [str(SIGNED_SECONDS)]
        download = requests.get(signed, timeout=10)
        assert download.status_code == 200
        assert download.content == stored[name]
        assert download.headers["Content-Type"] == "image/jpeg"


def test_the_signed_link_expires(bucket, client, settings, submit, ioc, ubnd_dbp):
    settings.STORAGES = s3_storages(endpoint=bucket.endpoint, bucket=bucket.name, expire=1)
    report = submit(files=[gps_jpeg()])
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    media = Media.objects.get(report=report)
    signed = client.get(media.file.url)["Location"]
    assert parse_qs(urlsplit(signed).query)["X-Amz-Expires"] == ["1"]
    assert requests.get(signed, timeout=10).status_code == 200
    time.sleep(2.1)
    expired = requests.get(signed, timeout=10)
    assert expired.status_code == 403 and b"Request has expired" in expired.content
    # The page asks again and gets a fresh link.
    assert requests.get(client.get(media.file.url)["Location"], timeout=10).status_code == 200


def test_a_non_public_photo_is_refused_and_the_bucket_never_serves_it_unsigned(
    bucket, client, submit, reporter, ioc, ubnd_dbp
):
    report = submit(files=[big_jpeg()])
    media = Media.objects.get(report=report)
    unsigned = f"{bucket.endpoint}/{bucket.name}/{media.file.name}"
    # Not yet verified: the reporter only (and staff), never the public.
    assert client.get(media.file.url).status_code == 404
    client.force_login(reporter)
    assert client.get(media.file.url).status_code == 302
    client.logout()
    assert requests.get(unsigned, timeout=10).status_code == 403
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    moderation.report_hide(actor=ioc, report=report, reason="Ảnh không phù hợp")
    for name in names_of(media):
        assert client.get(f"/media/{name}").status_code == 404
        unsigned = f"{bucket.endpoint}/{bucket.name}/{name}"
        assert requests.get(unsigned, timeout=10).status_code == 403


def test_a_rolled_back_submission_removes_its_objects(bucket, submit, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(submission, "transition_record", boom)
    with pytest.raises(RuntimeError):
        submit(files=[big_jpeg(), gps_jpeg()])
    assert not Report.objects.exists()
    assert bucket.objects() == {}
