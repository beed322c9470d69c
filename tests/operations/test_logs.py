"""Log lines carry the request's id, which the response sends back; and what a submission puts
in the logs, through the handler LOGGING configures (its filters and formatter), at DEBUG for
every logger, never holds the reporter's identity, the API token, the Open311 key, the
password or the session."""

import io
import json
import logging
import re

import pytest
from django.db import connection

from gis_portal.celery import app
from gis_portal.logs import JsonFormatter, portal_formatter
from open311.services.clients import api_client_issue
from tests.reports.conftest import DBP, REPORTER_EMAIL, REPORTER_NAME, REPORTER_PHONE

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-1"  # the factories'
OPEN311_PERSON = {"first_name": "Thị Kín", "last_name": "Quàng", "phone": "0987654321"}
OPEN311_EMAIL = "kin.quang@example.test"


@pytest.fixture
def log_output():
    """What LOGGING's console handler writes, every logger at DEBUG."""
    root = logging.getLogger()
    # pytest's capturing handlers subclass StreamHandler; LOGGING's is a plain one.
    handler = next(h for h in root.handlers if type(h) is logging.StreamHandler)
    buffer = io.StringIO()
    stream, level, formatter = handler.setStream(buffer), root.level, handler.formatter
    root.setLevel(logging.DEBUG)
    try:
        yield buffer, handler
    finally:
        handler.setStream(stream)
        handler.setFormatter(formatter)
        root.setLevel(level)


def test_each_request_gets_an_id_sent_back_and_written_on_its_log_lines(client, log_output):
    buffer, _ = log_output
    response = client.get("/api/v1/khong-co-dia-chi-nay/")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    line = next(x for x in buffer.getvalue().splitlines() if "Not Found" in x)
    assert f"[{request_id}]" in line
    assert client.get("/healthz")["X-Request-ID"] != request_id


def test_a_sane_request_id_from_nginx_is_kept_and_any_other_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    assert kept["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" {"level": "CRITICAL"}')
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_json_lines_carry_the_request_id_and_the_masked_traceback(client, log_output, settings):
    buffer, handler = log_output
    settings.LOG_FORMAT = "json"
    formatter = portal_formatter()
    assert isinstance(formatter, JsonFormatter)
    handler.setFormatter(formatter)
    response = client.get("/api/v1/khong-co-dia-chi-nay/")
    entry = next(json.loads(x) for x in buffer.getvalue().splitlines() if "Not Found" in x)
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert entry["status"] == 404
    try:
        raise ValueError(f"gửi thư tới {REPORTER_EMAIL} / {REPORTER_PHONE} thất bại")
    except ValueError:
        logging.getLogger("reports").exception("Notification failed")
    failed = json.loads(buffer.getvalue().splitlines()[-1])
    assert "ValueError" in failed["exception"]
    assert REPORTER_EMAIL not in failed["exception"] and REPORTER_PHONE not in failed["exception"]


@app.task(name="tests.operations.logs_a_line")
def logs_a_line() -> None:
    logging.getLogger("reports").info("inside the task")


def test_json_lines_of_a_task_carry_its_name_and_id_and_later_lines_do_not(log_output, settings):
    buffer, handler = log_output
    settings.LOG_FORMAT = "json"
    handler.setFormatter(portal_formatter())
    result = logs_a_line.delay()  # eager: the same prerun and postrun signals as in a worker
    logging.getLogger("reports").info("after the task")
    lines = [json.loads(x) for x in buffer.getvalue().splitlines()]
    inside = next(x for x in lines if x["message"] == "inside the task")
    after = next(x for x in lines if x["message"] == "after the task")
    assert (inside["task"], inside["task_id"]) == ("tests.operations.logs_a_line", result.id)
    assert "task" not in after and "task_id" not in after


def test_a_submission_leaves_no_identity_token_or_key_in_the_logs(
    client, api_client, reporter, category, ubnd_dbp, log_output
):
    buffer, _ = log_output
    # Even SQL with its parameters, were its logger at DEBUG, would carry the identity.
    connection.force_debug_cursor = True
    try:
        signed_in = client.post(
            "/api/v1/auth/token/", {"username": "nguoidan", "password": PASSWORD}
        )
        token = signed_in.json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        payload = {
            "category": category.code,
            "title": "Cống thoát nước bị tắc",
            "description": "Nước tràn ra đường mỗi khi mưa.",
            "lon": DBP[0],
            "lat": DBP[1],
        }
        filed = api_client.post("/api/v1/reports/", payload, format="json")
        assert filed.status_code == 201, filed.content
        refused = api_client.post("/api/v1/reports/", {**payload, "lat": 95}, format="json")
        assert refused.status_code == 400
        issued = api_client_issue(name="Ứng dụng thử", contact="dev@example.test")
        open311 = {
            "service_code": category.code,
            "lat": str(DBP[1]),
            "long": str(DBP[0]),
            "description": "Rác thải tồn đọng nhiều ngày cạnh đường.",
            "email": OPEN311_EMAIL,
            **OPEN311_PERSON,
        }
        url = f"/open311/v2/requests.json?api_key={issued.key}"
        assert client.post(url, open311).status_code in (200, 201)
        assert client.post(url, {**open311, "service_code": "khong-co"}).status_code == 400
        client.force_login(reporter)
        assert client.get("/phan-anh/cua-toi/").status_code == 200
        session = client.cookies["sessionid"].value
    finally:
        connection.force_debug_cursor = False
    output = buffer.getvalue()
    refusals = [line for line in output.splitlines() if "Bad Request" in line]
    assert len(refusals) == 2
    assert all(re.search(r"\[[0-9a-f]{32}\]", line) for line in refusals)
    secrets = [
        REPORTER_NAME,
        REPORTER_PHONE,
        REPORTER_EMAIL,
        *OPEN311_PERSON.values(),
        OPEN311_EMAIL,
        token,
        issued.key,
        PASSWORD,
        session,
    ]
    assert [secret for secret in secrets if secret in output] == []
