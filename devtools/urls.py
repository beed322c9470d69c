from django.urls import path

from devtools.views import BenchApiView, bench_json

urlpatterns = [
    path("json", bench_json, name="bench-json"),
    path("api", BenchApiView.as_view(), name="bench-api"),
]
