"""Registration does not say who has an account: a taken name gets one generic refusal, only
after the input's own checks, and after the same password hashing as a free name."""

from unittest import mock

import pytest
from django.urls import reverse

from reports.services import accounts
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

GENERIC = "Không thể tạo tài khoản với thông tin này. Hãy chọn tên đăng nhập khác rồi thử lại."


def register(api_client, username, password="Dien-Bien-1954", **extra):
    data = {"username": username, "password": password, "full_name": "Quàng Văn A"}
    data["phone"] = "0987654321"
    return api_client.post(reverse("auth-register"), {**data, **extra})


@pytest.fixture
def taken():
    return UserFactory(username="da-co-nguoi")


def test_a_taken_name_gets_the_generic_refusal_in_any_case(api_client, taken):
    for name in ("da-co-nguoi", "DA-CO-NGUOI"):
        refused = register(api_client, name)
        assert refused.status_code == 400
        assert refused.json() == {"error": GENERIC, "field": "username"}
        assert "đã được dùng" not in refused.content.decode()


def test_input_errors_come_first_whatever_the_name(api_client, taken):
    """A weak password is reported the same way for a taken and a free name."""
    on_taken = register(api_client, "da-co-nguoi", password="123")
    on_free = register(api_client, "chua-co-ai", password="123")
    assert on_taken.status_code == on_free.status_code == 400
    assert on_taken.json() == on_free.json()
    assert on_taken.json()["field"] == "password"


def test_a_taken_name_costs_the_same_password_hashing(taken):
    calls = []
    real = accounts.make_password

    def counted(password):
        calls.append(password)
        return real(password)

    with mock.patch.object(accounts, "make_password", counted):
        with pytest.raises(accounts.ReportInvalid) as refused:
            accounts.user_register(
                username="da-co-nguoi",
                password="Dien-Bien-1954",
                full_name="Quàng Văn A",
                phone="0987654321",
            )
        accounts.user_register(
            username="chua-co-ai",
            password="Dien-Bien-1954",
            full_name="Quàng Văn A",
            phone="0987654321",
        )
    assert refused.value.message == GENERIC
    assert calls == ["Dien-Bien-1954", "Dien-Bien-1954"]


def test_the_web_form_gives_the_same_generic_refusal(client, taken):
    response = client.post(
        reverse("reports-web:register"),
        {
            "username": "da-co-nguoi",
            "full_name": "Lường Văn C",
            "phone": "0911111111",
            "password": "Muong-Thanh-2026",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Không thể tạo tài khoản với thông tin này" in page
    assert "đã được dùng" not in page


def test_a_name_with_forbidden_characters_is_refused_by_rule(api_client):
    refused = register(api_client, "dan <script>")
    assert refused.status_code == 400
    assert refused.json()["field"] == "username"
    assert "chỉ gồm chữ, số" in refused.json()["error"]
