"""Discovery, service list and service definitions in JSON and XML."""

import pytest

from tests.open311.helpers import body_json, body_xml

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


def test_discovery_json_names_the_endpoint_and_formats(client):
    response = client.get(f"{BASE}/discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = body_json(response)
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    assert data["contact"] and data["key_service"]


def test_discovery_xml_has_the_spec_element_names(client):
    response = client.get(f"{BASE}/discovery.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = body_xml(response)
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert set(formats) == {"application/json", "text/xml"}


def test_services_list_one_service_per_active_category(client, category, road_category):
    road_category.is_active = False
    road_category.save()
    data = body_json(client.get(f"{BASE}/services.json"))
    assert [s["service_code"] for s in data] == [category.code]
    service = data[0]
    assert service == {
        "service_code": "ve-sinh-moi-truong",
        "service_name": "Vệ sinh môi trường",
        "description": "Rác thải, nước thải, khói bụi.",
        "metadata": True,
        "type": "realtime",
        "keywords": "rác, nước thải",
        "group": "Môi trường",
    }


def test_services_xml(client, category):
    root = body_xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    service = root.find("service")
    assert service.findtext("service_code") == category.code
    assert service.findtext("group") == "Môi trường"
    assert service.findtext("metadata") == "true"
    assert service.findtext("keywords") == "rác, nước thải"


def test_services_list_query_count(client, category, road_category, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get(f"{BASE}/services.json").status_code == 200


def test_service_definition_json_lists_attributes(client, category):
    data = body_json(client.get(f"{BASE}/services/{category.code}.json"))
    assert data["service_code"] == category.code
    codes = [a["code"] for a in data["attributes"]]
    assert codes == ["title", "urgent", "private_result", "incident_at"]
    urgent = data["attributes"][1]
    assert urgent["datatype"] == "singlevaluelist"
    assert urgent["variable"] is True
    assert {v["key"] for v in urgent["values"]} == {"true", "false"}


def test_service_definition_xml(client, category):
    root = body_xml(client.get(f"{BASE}/services/{category.code}.xml"))
    assert root.tag == "service_definition"
    attributes = root.findall("attributes/attribute")
    assert len(attributes) == 4
    keys = [v.findtext("key") for v in attributes[1].findall("values/value")]
    assert keys == ["true", "false"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_error_shape(client, category, fmt):
    response = client.get(f"{BASE}/services/khong-co.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        error = body_json(response)[0]
        assert error["code"] == 404 and "khong-co" in error["description"]
    else:
        root = body_xml(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"


def test_jurisdiction_id_accepted_when_ours_and_404_otherwise(client, category, settings):
    settings.OPEN311_JURISDICTION_ID = "dienbien.gov.vn"
    ok = client.get(f"{BASE}/services.json", {"jurisdiction_id": "dienbien.gov.vn"})
    assert ok.status_code == 200
    other = client.get(f"{BASE}/services.json", {"jurisdiction_id": "chicago.gov"})
    assert other.status_code == 404
    assert "jurisdiction_id" in body_json(other)[0]["description"]


def test_unknown_format_is_not_served(client, category):
    assert client.get(f"{BASE}/services.csv").status_code == 404
