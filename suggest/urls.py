from django.urls import path

from suggest.views import CategorySuggestView

urlpatterns = [
    path("category-suggest", CategorySuggestView.as_view(), name="category-suggest"),
]
