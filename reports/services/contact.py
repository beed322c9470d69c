"""Where one recipient of a notice is reached outside the portal: the rule, written once.

The e-mail address and phone a reporter gave with a report (ReporterIdentity) are
confidential. They serve that reporter's own notices about that report, and nothing else:
never another report's notices, never a follower or an agency. The phone is used only with the
reporter's consent to processing recorded with that report (ProcessingConsent, at submission),
and it is handed to the SMS gateway alone: never to a log, an outbox payload or an error text.
Everyone else is reached at the e-mail address of their own account.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from reports.models import ProcessingConsent, Report, User


@dataclass(frozen=True)
class Contact:
    email: str = ""
    # Only for the reporter's own notices, with their consent, and when there is no e-mail
    # address to use instead (an SMS costs; an e-mail carries the whole notice).
    phone: str = ""


def in_portal_language(function):
    """For replies to citizens who wrote by a channel without a language preference (e-mail,
    Zalo): the portal's own language (Vietnamese), whatever the request or worker had active."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def user_language(user: User) -> str:
    """The language a person is written to in (e-mail, SMS, in-app notice): their account's
    choice, else the portal's (Vietnamese)."""
    return user.language or settings.LANGUAGE_CODE


def notice_contact(*, report: Report | None, user: User) -> Contact:
    """`report.identity` loaded (select_related) spares a query; an erased identity holds no
    address or phone any more, and the account's own (if any) is used then."""
    identity = getattr(report, "identity", None) if report is not None else None
    if identity is None or identity.user_id != user.pk:
        return Contact(email=user.email)
    email = identity.email or user.email
    if email:
        return Contact(email=email)
    phone = identity.phone or user.phone
    if phone and _consented(report=report, user=user):
        return Contact(phone=phone)
    return Contact()


def _consented(*, report: Report, user: User) -> bool:
    return ProcessingConsent.objects.filter(
        report=report, user=user, context=ProcessingConsent.Context.SUBMIT
    ).exists()
