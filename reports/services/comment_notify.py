"""A new public comment reaches the reporter and the report's followers (never its author),
in-app and by e-mail, through the outbox: the comment's transaction never waits on them."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from outbox.services import outbox_enqueue
from reports import policy
from reports.models import Comment, Notification, User
from reports.services.contact import notice_contact
from reports.services.notifications import NOTIFICATION_EMAIL_TOPIC

# The outbox topic whose consumer (reports.apps) notifies the readers of one comment.
COMMENT_NOTIFY_TOPIC = "comment.notify"


def comment_notify_enqueue(*, comment: Comment) -> None:
    if not comment.internal:
        outbox_enqueue(topic=COMMENT_NOTIFY_TOPIC, payload={"comment_id": comment.pk})


def _readers(comment: Comment) -> set[int]:
    report = comment.report
    users = {report.identity.user_id}
    if policy.followers_hear_thread(report):
        users.update(report.follows.values_list("user_id", flat=True))
    users.discard(comment.author_id)
    users.discard(None)
    return users


def comment_notify(*, comment_id: int) -> list[Notification]:
    """One notification per reader and comment (safe to run twice), each in its reader's
    language, and an outbox message for each e-mail to send."""
    comment = (
        Comment.objects.select_related("report", "report__identity")
        .filter(pk=comment_id, internal=False)
        .first()
    )
    if comment is None:
        return []
    report = comment.report
    created = []
    readers = User.objects.filter(pk__in=_readers(comment), is_active=True)
    for user in readers.only("pk", "email", "phone", "language").order_by("pk"):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title = _("Phản ánh %(reference)s: trao đổi mới") % {"reference": report.reference}
            body = _("%(author)s viết về “%(title)s”:\n%(body)s") % {
                "author": comment.author_label_shown,
                "title": report.title,
                "body": comment.body,
            }
        with transaction.atomic():
            notification, is_new = Notification.objects.get_or_create(
                user=user,
                comment=comment,
                defaults={"report": report, "title": title, "body": body},
            )
            contact = notice_contact(report=report, user=user) if is_new else None
            if contact and contact.email:
                outbox_enqueue(
                    topic=NOTIFICATION_EMAIL_TOPIC, payload={"notification_id": notification.pk}
                )
        if is_new:
            created.append(notification)
    return created
