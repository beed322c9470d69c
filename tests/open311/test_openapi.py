"""The GeoReport v2 endpoints appear in the portal's OpenAPI schema (/api/schema/)."""

import pytest

pytestmark = pytest.mark.django_db


def test_open311_endpoints_are_in_the_served_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = {path: set(ops) for path, ops in schema["paths"].items() if "open311" in path}
    assert paths == {
        "/open311/v2/discovery.{format}": {"get"},
        "/open311/v2/services.{format}": {"get"},
        "/open311/v2/services/{service_code}.{format}": {"get"},
        "/open311/v2/requests.{format}": {"get", "post"},
        "/open311/v2/requests/{service_request_id}.{format}": {"get"},
        "/open311/v2/tokens/{token}.{format}": {"get"},
    }
    post = schema["paths"]["/open311/v2/requests.{format}"]["post"]
    assert set(post["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert header["schema"]["maxLength"] == 100
    fmt = [p for p in post["parameters"] if p["name"] == "format"]
    assert fmt == [{**fmt[0], "in": "path"}]
    assert fmt[0]["schema"]["enum"] == ["json", "xml"]


def test_api_idempotency_header_declares_the_stored_length(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    post = schema["paths"]["/api/v1/reports/"]["post"]
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert header["schema"]["maxLength"] == 100
