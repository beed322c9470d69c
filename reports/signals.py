"""Signals the reports core sends so that apps above it (forwarding, alerts…) can react
without the core importing them (the layers point one way)."""

from django.dispatch import Signal

# Sent by the outbox consumer of a transition (reports.apps), inside the transaction that
# marks its message delivered: a receiver that enqueues its own outbox messages there is
# exactly-once with it. Arguments: transition (reports.models.Transition, report loaded).
# It runs in a worker, after the commit of the change, never in the request.
transition_delivered = Signal()

# Sent by reports.services.drafts.draft_discard inside its transaction: the channel that
# brought the draft in (e-mail, Zalo) tells its sender why, once, through its own outbox
# message. Arguments: draft (reports.models.ReportDraft, its discard_reason set).
draft_discarded = Signal()

# Sent by the privacy app when a citizen erases their account (inside its transaction) and
# when it exports their data: apps above the core that hold personal data of their own (the
# areas a person follows…) delete it, or return it as {"section name": JSON-ready data}.
# Arguments: user.
account_erasing = Signal()
account_exporting = Signal()
