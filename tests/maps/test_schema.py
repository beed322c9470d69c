"""The served OpenAPI schema (/api/schema/) documents every map endpoint with its filters, so
clients and schemathesis see them; Open311 and statistics list their keys and limits too."""

import pytest

pytestmark = pytest.mark.django_db

MAP_FILTERS = {
    "category",
    "status",
    "date_from",
    "date_to",
    "commune",
    "district",
    "urgent",
    "bbox",
}
MAPS = "/api/v1/maps/"
ENDPOINTS = {
    "public/reports/": {"page", "page_size"},
    "officer/reports/": {"page", "page_size"},
    "heatmap/": {"zoom", "cell"},
    "hotspots/": {"zoom", "cell"},
    "choropleth/": {"level"},
    "export/{fmt}/": {"fmt", "layer"},
    "html-report/": {"unit"},
    "tiles/public/{z}/{x}/{y}.mvt": {"z", "x", "y"},
    "tiles/analysis/{z}/{x}/{y}.mvt": {"z", "x", "y"},
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def parameters(schema, path, method="get") -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path][method].get("parameters", [])}


def test_every_map_endpoint_is_in_the_schema(schema):
    served = {path[len(MAPS) :] for path in schema["paths"] if path.startswith(MAPS)}
    assert served == set(ENDPOINTS)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_map_endpoints_document_their_filters(schema, endpoint):
    documented = parameters(schema, MAPS + endpoint)
    assert MAP_FILTERS | ENDPOINTS[endpoint] <= set(documented)
    assert documented["date_from"]["schema"]["format"] == "date"
    assert documented["urgent"]["schema"]["type"] == "boolean"
    assert "west,south,east,north" in documented["bbox"]["description"]


def test_grid_size_bounds_and_answers_are_documented(schema):
    for endpoint in ("heatmap/", "hotspots/"):
        cell = parameters(schema, MAPS + endpoint)["cell"]["schema"]
        assert (cell["minimum"], cell["maximum"]) == (100, 20000)
        assert {"200", "400", "403"} <= set(schema["paths"][MAPS + endpoint]["get"]["responses"])
    export = schema["paths"][MAPS + "export/{fmt}/"]["get"]
    fmt = parameters(schema, MAPS + "export/{fmt}/")["fmt"]["schema"]["enum"]
    assert sorted(fmt) == ["csv", "geojson", "gpkg"]
    assert {"413", "429"} <= set(export["responses"])
    assert "429" in schema["paths"][MAPS + "html-report/"]["get"]["responses"]


def test_open311_and_stats_document_keys_and_limits(schema):
    for path, operations in schema["paths"].items():
        if path.startswith("/open311/"):
            for operation in operations.values():
                names = {p["name"] for p in operation["parameters"]}
                assert {"api_key", "X-Api-Key", "jurisdiction_id", "format"} <= names
                assert {"400", "403", "404", "429", "503"} <= set(operation["responses"])
    assert "201" in schema["paths"]["/open311/v2/requests.{format}"]["post"]["responses"]
    for path in ("/api/v1/stats/", "/api/v1/stats/ranking/"):
        operation = schema["paths"][path]["get"]
        assert {"from", "to", "format"} <= {p["name"] for p in operation["parameters"]}
        assert "429" in operation["responses"]
