"""A stored text XML 1.0 cannot carry never breaks the public requests.xml for everyone."""

from xml.etree import ElementTree

import pytest

from open311.renderers import xml_document
from reports.models import Report, Result
from tests.open311.helpers import body_json, body_xml, publish

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests"


@pytest.fixture
def published(client, post_data, ioc, officer, ubnd_dbp):
    response = client.post(f"{URL}.json", post_data())
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=body_json(response)[0]["service_request_id"])
    return publish(report, ioc=ioc, officer=officer, agency=ubnd_dbp)


@pytest.fixture
def dirty(published):
    """Control characters saved before inputs refused them, written straight to the rows
    (PostgreSQL itself refuses NUL, so the others are what old rows can hold)."""
    Report.objects.filter(pk=published.pk).update(
        title="Rác\x0bthải\x0c cạnh đường",
        description="Nội dung\x01 có\x1b ký tự lạ\x7f.",
    )
    Result.objects.filter(report=published).update(text="Đã\x08 thu gom.")
    return published


def test_requests_xml_stays_well_formed_with_control_characters_in_old_rows(client, dirty):
    response = client.get(f"{URL}.xml", {"extensions": "true"})
    assert response.status_code == 200
    request = body_xml(response).find("request")
    assert request.findtext("service_request_id") == dirty.reference
    assert request.findtext("extended_attributes/title") == "Rácthải cạnh đường"
    assert request.findtext("description") == "Nội dung có ký tự lạ\x7f."
    assert request.findtext("status_notes") == "Đã thu gom."


def test_request_detail_xml_stays_well_formed_too(client, dirty):
    response = client.get(f"{URL}/{dirty.reference}.xml", {"extensions": "true"})
    assert response.status_code == 200
    assert body_xml(response).find("request/extended_attributes/title").text == "Rácthải cạnh đường"


def test_json_keeps_answering_with_the_same_rows(client, dirty):
    response = client.get(f"{URL}.json")
    assert response.status_code == 200
    assert body_json(response)[0]["service_request_id"] == dirty.reference


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\ud800", "\ufffe"])
def test_xml_document_drops_characters_xml_cannot_carry(char):
    document = xml_document("r", None, {"t": f"a{char}b", "n": 1})
    assert ElementTree.fromstring(document).findtext("t") == "ab"


def test_xml_document_keeps_tabs_line_breaks_and_all_other_text():
    text = "Điện Biên\tPhủ\nmới 😀 \x7f"
    document = xml_document("r", None, {"t": text})
    assert ElementTree.fromstring(document).findtext("t") == text
