"""Officers' queue map: their agency's open cases only, coloured by time left."""

import pytest
from django.urls import reverse

from tests.maps.conftest import SECRET_NAME, SECRET_PHONE

pytestmark = pytest.mark.django_db
URL = "maps-officer-reports"


def props_by_ref(response) -> dict:
    return {f["properties"]["reference"]: f["properties"] for f in response.json()["features"]}


def test_officer_sees_own_open_cases_with_time_left(
    client, officer, queue_set, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse(URL))
    assert response.status_code == 200
    found = props_by_ref(response)
    assert set(found) == {queue_set[k].reference for k in ("overdue", "soon", "on_time")}
    assert found[queue_set["overdue"].reference]["time_left"] == "overdue"
    assert found[queue_set["overdue"].reference]["urgent"] is True
    assert found[queue_set["soon"].reference]["time_left"] == "due_soon"
    assert found[queue_set["on_time"].reference]["time_left"] == "on_time"
    assert SECRET_NAME not in response.content.decode()
    assert SECRET_PHONE not in response.content.decode()


def test_officer_never_receives_another_areas_cases(client, officer, officer_mt, queue_set):
    client.force_login(officer_mt)
    found = props_by_ref(client.get(reverse(URL)))
    assert set(found) == {queue_set["other_area"].reference}
    client.force_login(officer)
    # Even asking for the other commune explicitly returns nothing of it.
    assert props_by_ref(client.get(reverse(URL), {"commune": "03334"})) == {}


def test_status_and_category_filters(client, officer, queue_set):
    client.force_login(officer)
    found = props_by_ref(client.get(reverse(URL), {"status": "assigned"}))
    assert set(found) == {queue_set["soon"].reference, queue_set["on_time"].reference}
    assert props_by_ref(client.get(reverse(URL), {"category": "ha-tang-duong"})) == {}


@pytest.mark.parametrize("who", ["anonymous", "citizen", "planner"])
def test_non_officers_are_refused(client, request, queue_set, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code in (401, 403)
