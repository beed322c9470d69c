from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from suggest.selectors import category_suggest
from suggest.serializers import SuggestionsSerializer, SuggestQuerySerializer


class CategorySuggestView(APIView):
    """The categories a citizen's text is most likely about, best first (at most 3). Public:
    the form asks while they type, before signing in; limited per client like other reads."""

    throttle_scope = "category-suggest"

    @extend_schema(parameters=[SuggestQuerySerializer], responses=SuggestionsSerializer)
    def get(self, request: Request) -> Response:
        query = SuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        suggestions = category_suggest(text=query.validated_data["text"])
        return Response({"suggestions": [asdict(suggestion) for suggestion in suggestions]})
