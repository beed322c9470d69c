"""Moving a report through the real workflow services, and reading Open311 answers."""

import json
from xml.etree import ElementTree

from reports.services.moderation import report_hide
from reports.services.workflow import (
    report_assign,
    report_reject,
    report_start,
    result_publish,
    result_submit,
)

RESULT_TEXT = "Đã thu gom toàn bộ rác thải, vệ sinh khu vực."


def publish(report, *, ioc, officer, agency, text: str = RESULT_TEXT):
    report_assign(actor=ioc, report=report, agency=agency)
    report_start(actor=officer, report=report)
    result_submit(actor=officer, report=report, text=text)
    result_publish(actor=ioc, report=report)
    report.refresh_from_db()
    return report


def reject(report, *, ioc):
    report_reject(
        actor=ioc,
        report=report,
        reason="Nội dung không rõ vị trí.",
        resubmit_hint="Gửi lại kèm ảnh và vị trí chính xác.",
    )
    report.refresh_from_db()
    return report


def hide(report, *, ioc):
    report_hide(actor=ioc, report=report, reason="Ngôn từ xúc phạm.")
    report.refresh_from_db()
    return report


def body_json(response):
    return json.loads(response.content.decode("utf-8"))


def body_xml(response) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)
