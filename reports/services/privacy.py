"""Consent to the processing of personal data (Law 91/2025), recorded with the notice version
at registration and at each submission (there in the statement that writes the identity too:
reports.sql.SUBMISSION_ROWS). Citizens' other rights live in the privacy app."""

from django.conf import settings

from reports.models import ProcessingConsent, Report, User


def processing_consent_record(
    *, user: User, context: str, report: Report | None = None
) -> ProcessingConsent:
    return ProcessingConsent.objects.create(
        user=user, context=context, report=report, notice_version=settings.PRIVACY_NOTICE_VERSION
    )
