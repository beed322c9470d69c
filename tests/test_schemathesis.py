"""Whatever a client sends to an operation of the portal's OpenAPI schema, it never gets a 5xx.

Schemathesis reads the schema the portal serves at /api/schema/ and sends a few generated
requests (valid and invalid) to every operation, anonymously and as a signed-in citizen. The
run is bounded and derandomized so the suite stays quick and a failure reproduces. A last test
puts a NUL byte, which generated strings almost never hold, into every parameter and field.
"""

import tempfile
import uuid
from pathlib import Path

import pytest
import schemathesis
from django.db import transaction
from django.test.client import ClientHandler
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from gis_portal.accounts.tokens import token_issue
from open311.models import ApiClient
from open311.services.clients import api_client_issue, key_digest
from reports.models import Report, Role
from reports.services.submission import report_submit
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

# Generated examples per operation (fuzzing phase); the citizen run adds the coverage phase.
ANONYMOUS_EXAMPLES = 10
CITIZEN_EXAMPLES = 6
DBP = (103.0578, 21.4156)  # inside Phường Điện Biên Phủ (03127)
REFERENCE = "PA-2025-990001"
OPEN311_KEY = "schemathesis-open311-client-key"

# Hypothesis keeps caches (string constants, Unicode tables) in ./.hypothesis by default; the
# checkout stays clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "gis-portal-hypothesis")

_handler = ClientHandler(enforce_csrf_checks=False)


def portal_wsgi(environ, start_response):
    """The portal as a WSGI app that keeps the test's database connection open.

    Django's own WSGI handler closes the connection after each request, which would end the
    test's transaction; the test client's handler does not. Each request runs in a savepoint
    rolled back afterwards, so one example cannot change (or poison) what the next one sees.
    """
    if not transaction.get_connection().in_atomic_block:  # loading the schema, before any test
        response = _handler(environ)
    else:
        savepoint = transaction.savepoint()
        try:
            response = _handler(environ)
        finally:
            transaction.savepoint_rollback(savepoint)
    headers = [*response.items()]
    headers += [("Set-Cookie", c.output(header="").strip()) for c in response.cookies.values()]
    start_response(f"{response.status_code} {response.reason_phrase}", headers)
    return response


# Anonymous, most operations stop at the sign-in check: generated examples are enough there.
ANONYMOUS_CONFIG = """
seed = 20251020
phases.coverage.enabled = false
"""
# As a citizen, the coverage phase adds every parameter's edge and wrong-type values. Path
# parameters name the citizen's own report and a real commune, so requests reach the actions'
# rules instead of stopping at a 404, and Open311 calls carry a valid key. The full commune
# and agency lists take ~0.5 s a request: they keep generated examples only, or they alone
# would double the run.
CITIZEN_CONFIG = f"""
seed = 20251020

[parameters]
"path.reference" = "{REFERENCE}"
"path.code" = "03127"
"query.api_key" = "{OPEN311_KEY}"
"body.api_key" = "{OPEN311_KEY}"

[[operations]]
include-path-regex = "^/api/v1/(boundaries|agencies)/$"
phases.coverage.enabled = false
"""

anonymous_schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", portal_wsgi, config=SchemathesisConfig.from_str(ANONYMOUS_CONFIG)
)
citizen_schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", portal_wsgi, config=SchemathesisConfig.from_str(CITIZEN_CONFIG)
)


def bounded(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


@pytest.fixture
def portal_data(db, settings, ubnd_dbp):
    """A category, a filed report, an Open311 client and a citizen with an API token."""
    settings.OPEN311_RATE_LIMIT_PREFIX = f"test-schemathesis:{uuid.uuid4().hex}"
    AgencyFactory(code="so-xay-dung", name="Sở Xây dựng")
    category = CategoryFactory(code="ve-sinh-moi-truong", name="Vệ sinh môi trường")
    citizen = UserFactory(
        username="dan-schemathesis", role=Role.CITIZEN, full_name="Lò Văn Dân", phone="0912345678"
    )
    outcome = report_submit(
        user=citizen,
        category=category,
        title="Rác thải đổ trộm cạnh đường",
        description="Rác thải tồn đọng nhiều ngày.",
        lon=DBP[0],
        lat=DBP[1],
    )
    Report.objects.filter(pk=outcome.report.pk).update(reference=REFERENCE)
    issued = api_client_issue(name="Schemathesis", rate_limit_per_minute=100_000)
    ApiClient.objects.filter(pk=issued.client.pk).update(
        key_hash=key_digest(OPEN311_KEY), key_prefix=OPEN311_KEY[:8]
    )
    return token_issue(user=citizen).key


@anonymous_schema.parametrize()
@bounded(ANONYMOUS_EXAMPLES)
def test_no_operation_answers_a_server_error_to_anyone(case, portal_data):
    case.call_and_validate(checks=[not_a_server_error])


@citizen_schema.parametrize()
@bounded(CITIZEN_EXAMPLES)
def test_no_operation_answers_a_server_error_to_a_signed_in_citizen(case, portal_data):
    case.call_and_validate(
        headers={"Authorization": f"Token {portal_data}"}, checks=[not_a_server_error]
    )


def _nul_requests(schema: dict):
    """(method, url, kwargs) putting a NUL byte in each string parameter and body field of every
    operation; generated strings almost never hold one, and PostgreSQL text cannot."""
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            url = template
            for param in (p for p in params if p["in"] == "path"):
                value = {"reference": REFERENCE, "format": "json"}.get(param["name"], "03127")
                url = url.replace(f"{{{param['name']}}}", value)
            for param in (p for p in params if p["in"] == "query"):
                query = {param["name"]: "a\x00b"}
                if method == "get":
                    yield method, url, {"data": query}
                else:
                    yield method, f"{url}?{param['name']}=a%00b", {}
            content = operation.get("requestBody", {}).get("content", {})
            media_type = next(iter(content), None)
            if media_type is None or "$ref" not in content[media_type]["schema"]:
                continue
            name = content[media_type]["schema"]["$ref"].rsplit("/", 1)[-1]
            for field in schema["components"]["schemas"][name].get("properties", {}):
                body = {"api_key": OPEN311_KEY, field: "a\x00b"}
                if media_type == "application/json":
                    yield method, url, {"data": body, "format": "json"}
                else:
                    yield method, url, {"data": body}


def test_a_nul_byte_in_any_parameter_or_field_is_never_a_server_error(portal_data):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {portal_data}")
    schema = client.get("/api/schema/", {"format": "json"}).json()
    failures, sent = [], 0
    for method, url, kwargs in _nul_requests(schema):
        savepoint = transaction.savepoint()
        try:
            response = getattr(client, method)(url, **kwargs)
        finally:
            transaction.savepoint_rollback(savepoint)
        sent += 1
        if response.status_code >= 500:
            failures.append((method.upper(), url, kwargs))
    assert sent > 150
    assert failures == []
