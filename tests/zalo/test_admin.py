"""The admin shows how Zalo conversations and answers went, never what the reporter said."""

import pytest
from django.urls import reverse

from reports.models import Role
from tests.reports.factories import UserFactory
from tests.zalo.conftest import USER, payload
from zalo.models import Conversation

pytestmark = pytest.mark.django_db


def test_the_admin_lists_conversations_and_answers_without_their_content(client, zalo_post):
    zalo_post(payload("user_send_text"))
    root = UserFactory(username="quantri-zalo", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(root)
    for name in ("conversation", "reply"):
        page = client.get(reverse(f"admin:zalo_{name}_changelist"))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Cống thoát nước" not in text and USER not in text
    page = client.get(
        reverse("admin:zalo_conversation_change", args=[Conversation.objects.get().pk])
    )
    assert page.status_code == 200 and "Cống thoát nước" not in page.content.decode()
