"""The constant views bench/locate_bench.py compares /api/v1/locate with exist only for it."""

import json

from django.test import RequestFactory

from devtools.views import BenchApiView, bench_json


def test_bench_views_are_not_served_by_default(client):
    assert client.get("/_bench/json").status_code == 404
    assert client.get("/_bench/api").status_code == 404


def test_bench_views_answer_a_constant_body():
    request = RequestFactory().get("/_bench/json")
    assert json.loads(bench_json(request).content) == {"ok": True}
    response = BenchApiView.as_view()(RequestFactory().get("/_bench/api"))
    assert response.status_code == 200 and response.data == {"ok": True}
