"""Constant answers for benchmarks: what serving any request costs on this stack, the baseline
a view's own work is measured against (URLs only with settings.DEVTOOLS_BENCH_VIEWS)."""

from django.http import HttpRequest, JsonResponse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

BODY = {"ok": True}


def bench_json(request: HttpRequest) -> JsonResponse:
    """Plain Django through the whole middleware stack."""
    return JsonResponse(BODY)


class BenchApiView(APIView):
    """The same through DRF (authentication, negotiation, renderer), as /api/v1/locate is."""

    def get(self, request: Request) -> Response:
        return Response(BODY)
