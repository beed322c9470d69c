"""reports.policy.agency_viewer: an agency's system stands for its officers, nothing more."""

import pytest

from reports import policy
from reports.models import Report
from tests.reports.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_an_agency_plays_handler_coordinator_or_no_part(make_report, ubnd_dbp, other_agency):
    report = make_report(Report.Status.IN_PROGRESS)
    outsider = AgencyFactory(code="so-y-te")
    parties = {
        agency.code: policy.agency_viewer(agency_id=agency.pk, report=report).parties
        for agency in (ubnd_dbp, other_agency, outsider)
    }
    assert parties == {
        ubnd_dbp.code: {policy.Party.HANDLER},
        other_agency.code: {policy.Party.COORDINATOR},
        outsider.code: {policy.Party.CITIZEN},
    }
    handler = policy.agency_viewer(agency_id=ubnd_dbp.pk, report=report)
    assert policy.viewer_sees_internal(handler) and not handler.is_reporter
    returned = make_report(Report.Status.RETURNED)
    gone = policy.agency_viewer(agency_id=ubnd_dbp.pk, report=returned)
    assert not policy.report_visible(viewer=gone, report=returned)
