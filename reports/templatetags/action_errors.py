"""A refused case-page action shows its error next to the field that caused it, tied to it
for screen readers (WCAG 3.3.1): the action view keeps the error in the session for the page
it redirects to (reports.web_views.action_error_keep)."""

from django import template
from django.utils.html import format_html

register = template.Library()


def _matches(context, action: str, field: str) -> dict | None:
    error = context.get("action_error")
    if error and error["action"] == action and error["field"] == field:
        return error
    return None


def error_id(action: str, field: str) -> str:
    return f"err-{action}-{field}"


@register.simple_tag(takes_context=True)
def field_error_attrs(context, action: str, field: str, describedby: str = "") -> str:
    """aria-invalid and aria-describedby for the field, when the last refusal was its own."""
    if not _matches(context, action, field):
        return format_html(' aria-describedby="{}"', describedby) if describedby else ""
    ids = " ".join(filter(None, [error_id(action, field), describedby]))
    return format_html(' aria-invalid="true" aria-describedby="{}"', ids)


@register.simple_tag(takes_context=True)
def field_error(context, action: str, field: str) -> str:
    error = _matches(context, action, field)
    if not error:
        return ""
    return format_html(
        '<p class="field-error" id="{}">{}</p>', error_id(action, field), error["message"]
    )
