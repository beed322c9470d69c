"""Exports honour filters and permissions, neutralise formulas, and re-read with geopandas."""

import io

import geopandas as gpd
import pytest
from django.urls import reverse

from reports.models import Report
from tests.maps.conftest import SECRET_NAME, SECRET_PHONE

pytestmark = pytest.mark.django_db


def read(response, fmt, tmp_path) -> gpd.GeoDataFrame:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(content)
    return gpd.read_file(path)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_public_export_rereads_with_geopandas(api_client, public_set, fmt, tmp_path):
    response = api_client.get(reverse("maps-export", args=[fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    frame = read(response, fmt, tmp_path)
    assert set(frame["reference"]) == {
        public_set[k].reference for k in ("visible", "visible_mt", "open")
    }
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].geom_type == "Point"
    assert not {"full_name", "phone", "email"} & set(frame.columns)


def test_csv_neutralises_formulas_and_hides_identity(api_client, make_report, tmp_path):
    make_report(title='=HYPERLINK("http://evil")')
    make_report(title="+1+2")
    make_report(title="-2")
    make_report(title="@SUM(A1)")
    response = api_client.get(reverse("maps-export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert SECRET_NAME not in text and SECRET_PHONE not in text
    import csv

    rows = list(csv.DictReader(io.StringIO(text)))
    titles = {row["title"] for row in rows}
    assert titles == {'\'=HYPERLINK("http://evil")', "'+1+2", "'-2", "'@SUM(A1)"}
    frame = gpd.GeoDataFrame(
        rows,
        geometry=gpd.points_from_xy(
            [float(r["lon"]) for r in rows], [float(r["lat"]) for r in rows]
        ),
        crs=4326,
    )
    assert len(frame) == 4


def test_exports_follow_the_users_scope_and_filters(
    client, public_set, queue_set, officer, planner, tmp_path
):
    client.force_login(officer)
    frame = read(client.get(reverse("maps-export", args=["geojson"])), "geojson", tmp_path)
    assert set(frame["reference"]) == {
        queue_set[k].reference for k in ("overdue", "soon", "on_time")
    } | {public_set["open"].reference}
    client.force_login(planner)
    everything = read(client.get(reverse("maps-export", args=["geojson"])), "geojson", tmp_path)
    assert public_set["hidden"].reference in set(everything["reference"])
    filtered = read(
        client.get(
            reverse("maps-export", args=["geojson"]), {"status": "published", "commune": "03334"}
        ),
        "geojson",
        tmp_path,
    )
    assert set(filtered["status"]) == {Report.Status.PUBLISHED}
    assert set(filtered["commune_code"]) == {"03334"}


def test_unknown_format_is_refused_naming_the_field(api_client):
    response = api_client.get(reverse("maps-export", args=["xlsx"]))
    assert response.status_code == 404
    assert response.json() == {"error": "fmt: chỉ nhận geojson, csv hoặc gpkg.", "field": "fmt"}
