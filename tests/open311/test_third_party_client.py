"""Unchanged Open311 client libraries from PyPI against the live server.

`georeport` (GeoReport v2 wrapper) lists services, reads definitions and requests in JSON and
XML, but its README says it "does not currently support the creation of new 311 service
requests" (it has no POST method). The request is therefore filed with `civicbot`'s
`Open311Client.create_request` (a GeoReport v2 client whose writes need dry_run=False,
confirm="SEND" and an api_key), then read back with both libraries.

Runs on the live test server with committed data, limited to the routing, reports and
open311 tables so the session's boundary data survives the flush.
"""

import pytest
import requests

from open311.services.clients import api_client_issue
from reports.models import Report, Role, User
from routing_rules.models import Agency, Category
from tests.open311.conftest import DBP
from tests.open311.helpers import RESULT_TEXT, publish
from tests.reports.factories import AgencyFactory, CategoryFactory, UserFactory

georeport = pytest.importorskip("georeport")
civicbot = pytest.importorskip("civicbot")

# routing_rules is listed so its models' relation caches are rebuilt with the reports models
# in view (the workflow assigns agencies); its tables only hold this test's rows.
pytestmark = pytest.mark.django_db(
    transaction=True, available_apps=["routing_rules", "reports", "open311"]
)


@pytest.fixture
def rows():
    category = CategoryFactory(
        code="client-test-rac-thai",
        name="Rác thải (thử)",
        group="Môi trường",
        keywords=["rác"],
        description="Rác thải, nước thải.",
    )
    agency = AgencyFactory(
        code="client-test-ubnd",
        name="UBND phường Điện Biên Phủ (thử)",
        kind=Agency.Kind.COMMUNE_UBND,
        jurisdiction_codes=["03127"],
    )
    ioc = UserFactory(username="client-ioc", role=Role.IOC_OPERATOR)
    officer = UserFactory(username="client-officer", role=Role.AGENCY_OFFICER, agency=agency)
    issued = api_client_issue(name="civicbot thử")
    yield category, agency, ioc, officer, issued
    Report.objects.all().delete()
    User.objects.filter(agency=agency).delete()
    Category.objects.filter(pk=category.pk).delete()
    Agency.objects.filter(pk=agency.pk).delete()


def test_third_party_clients_list_post_and_read_back(live_server, rows):
    category, agency, ioc, officer, issued = rows
    root = f"{live_server.url}/open311/v2"
    reader = georeport.GeoReport(root)
    reader_xml = georeport.GeoReport(root, output_format="xml")

    services = reader.get_service_list()
    assert [s["service_code"] for s in services] == [category.code]
    assert services[0]["group"] == "Môi trường"
    assert reader_xml.get_service_list()["service_code"] == category.code
    definition = reader.get_service_definition(category.code)
    assert [a["code"] for a in definition["attributes"]][:2] == ["title", "urgent"]
    xml_definition = reader_xml.get_service_definition(category.code)
    assert xml_definition["service_code"] == category.code

    endpoint = civicbot.Endpoint(id="dien-bien", name="Điện Biên", base_url=root, write=True)
    poster = civicbot.Open311Client(endpoint)
    prepared = poster.create_request(
        category.code,
        dry_run=False,
        confirm="SEND",
        api_key=issued.key,
        validate_remote=True,
        lat=DBP[1],
        lng=DBP[0],
        description="Rác thải tồn đọng cạnh chợ, bốc mùi.",
        first_name="Văn Thử",
        last_name="Lò",
        phone="0912000222",
        attributes={"urgent": "false"},
    )
    [answer] = prepared.response
    reference = answer["service_request_id"]
    report = Report.objects.get(reference=reference)
    assert report.commune.code == "03127"
    assert report.identity.full_name == "Lò Văn Thử"
    assert poster.get_token(answer["token"]) == [
        {"service_request_id": reference, "token": answer["token"]}
    ]

    # Not public before the province publishes a result (the portal's own rule).
    with pytest.raises(requests.HTTPError) as not_yet:
        reader.get_service_request(reference)
    assert not_yet.value.response.status_code == 404

    publish(report, ioc=ioc, officer=officer, agency=agency)

    read = reader.get_service_request(reference)
    assert read["status"] == "closed"
    assert read["status_notes"] == RESULT_TEXT
    assert read["agency_responsible"] == agency.name
    assert read["service_code"] == category.code
    assert "0912000222" not in str(read) and "Lò Văn Thử" not in str(read)
    read_xml = reader_xml.get_service_request(reference)
    assert read_xml["service_request_id"] == reference
    assert read_xml["status"] == "closed"
    listed = reader.get_service_requests(status="closed", service_code=category.code)
    assert [r["service_request_id"] for r in listed] == [reference]
    assert poster.get_request(reference)["status"] == "closed"
