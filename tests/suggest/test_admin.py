import pytest
from django.urls import reverse

from suggest.services import suggest_model_retrain
from tests.reports.factories import UserFactory


@pytest.mark.django_db
def test_staff_see_the_stored_versions_but_cannot_write_one(client, categories):
    version = suggest_model_retrain().version
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:suggest_suggestmodel_changelist"))
    assert listing.status_code == 200 and f">{version}<" in listing.content.decode()
    page = client.get(reverse("admin:suggest_suggestmodel_change", args=[version]))
    assert page.status_code == 200 and b"artefact" not in page.content
    assert client.get(reverse("admin:suggest_suggestmodel_add")).status_code == 403
