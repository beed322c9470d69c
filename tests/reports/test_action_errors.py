"""A refused case-page action shows its error beside the field that caused it, tied to it
(aria-invalid, aria-describedby), once; the page's other forms stay as they were."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _post(client, report, action, data):
    url = reverse("reports-web:action", args=[report.reference, action])
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_missing_field_is_marked_on_the_field_and_explained_beside_it(client, ioc, report):
    client.force_login(ioc)
    html = _post(client, report, "reject", {"reason": "Thiếu ảnh", "resubmit_hint": ""})
    field = re.search(r'<textarea id="reject-hint"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="err-reject-resubmit_hint"' in field
    error = re.search(r'<p class="field-error" id="err-reject-resubmit_hint">([^<]+)</p>', html)
    assert error and error.group(1).strip()
    # The other fields, and the same page loaded again, carry no error.
    assert "aria-invalid" not in re.search(r'<textarea id="reject-reason"[^>]*>', html).group(0)
    again = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    assert "err-reject-resubmit_hint" not in again


def test_a_domain_refusal_names_its_field_too(client, ioc, report):
    client.force_login(ioc)
    html = _post(client, report, "merge", {"into": report.reference})
    field = re.search(r'<input id="merge-into"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'id="err-merge-into"' in html


def test_an_error_of_another_report_is_not_shown_here(client, ioc, report, submit):
    other = submit()
    client.force_login(ioc)
    _post(client, other, "reject", {"reason": "", "resubmit_hint": ""})
    client.post(reverse("reports-web:action", args=[other.reference, "reject"]), {"reason": ""})
    html = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    assert "field-error" not in html
