"""Workflow actions: one small view per action, each an input serializer calling a service."""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gis_portal.accounts.tokens import token_issue
from reports import policy, selectors
from reports.detail import report_detail_build
from reports.errors import ReportInvalid
from reports.models import Extension
from reports.selectors_officers import officer_get
from reports.serializers import (
    AssignSerializer,
    CategoryChangeSerializer,
    CommentInputSerializer,
    CommentSerializer,
    EmptySerializer,
    ExtensionDecideSerializer,
    ExtensionRequestSerializer,
    IdentitySerializer,
    InviteSerializer,
    MergeSerializer,
    NoteSerializer,
    PublishSerializer,
    RateSerializer,
    ReasonSerializer,
    RegisterSerializer,
    RejectSerializer,
    ReportDetailSerializer,
    ResultSubmitSerializer,
)
from reports.serializers_officers import OfficerAssignSerializer
from reports.services import (
    accounts,
    citizen,
    identity,
    moderation,
    officers,
    recategorize,
    workflow,
)
from reports.views import report_detail_data


def _extension(report, data):
    extension = Extension.objects.filter(pk=data["extension"], report=report).first()
    if extension is None:
        raise ReportInvalid(
            gettext("Không tìm thấy đề nghị gia hạn của phản ánh này."), field="extension"
        )
    return extension


def _merge_target(user, data):
    return selectors.report_get(user=user, reference=data["into"])


ACTIONS = {
    "reject": (
        RejectSerializer,
        lambda u, r, d: workflow.report_reject(actor=u, report=r, **d),
    ),
    "assign": (
        AssignSerializer,
        lambda u, r, d: workflow.report_assign(actor=u, report=r, **d),
    ),
    "category": (
        CategoryChangeSerializer,
        lambda u, r, d: recategorize.report_category_change(actor=u, report=r, **d),
    ),
    "start": (EmptySerializer, lambda u, r, d: workflow.report_start(actor=u, report=r)),
    "extension": (
        ExtensionRequestSerializer,
        lambda u, r, d: workflow.extension_request(actor=u, report=r, **d),
    ),
    "extension-decide": (
        ExtensionDecideSerializer,
        lambda u, r, d: workflow.extension_decide(
            actor=u, extension=_extension(r, d), approve=d["approve"], note=d.get("note", "")
        ),
    ),
    "invite": (
        InviteSerializer,
        lambda u, r, d: workflow.report_invite_coordinators(actor=u, report=r, **d),
    ),
    "send-back": (
        ReasonSerializer,
        lambda u, r, d: workflow.report_send_back(actor=u, report=r, **d),
    ),
    "result": (
        ResultSubmitSerializer,
        lambda u, r, d: workflow.result_submit(actor=u, report=r, **d),
    ),
    "publish": (
        PublishSerializer,
        lambda u, r, d: workflow.result_publish(actor=u, report=r, **d),
    ),
    "return-result": (
        ReasonSerializer,
        lambda u, r, d: workflow.result_return(actor=u, report=r, **d),
    ),
    "reopen": (ReasonSerializer, lambda u, r, d: workflow.report_reopen(actor=u, report=r, **d)),
    "hide": (ReasonSerializer, lambda u, r, d: moderation.report_hide(actor=u, report=r, **d)),
    "unhide": (
        ReasonSerializer,
        lambda u, r, d: moderation.report_unhide(actor=u, report=r, **d),
    ),
    "hide-approve": (
        NoteSerializer,
        lambda u, r, d: moderation.report_hide_approve(actor=u, report=r, **d),
    ),
    "merge": (
        MergeSerializer,
        lambda u, r, d: moderation.report_merge(
            actor=u, report=r, into=_merge_target(u, d), reason=d.get("reason", "")
        ),
    ),
    "rate": (RateSerializer, lambda u, r, d: citizen.report_rate(actor=u, report=r, **d)),
    "dispute": (
        ReasonSerializer,
        lambda u, r, d: citizen.report_dispute(actor=u, report=r, **d),
    ),
    "consent": (
        EmptySerializer,
        lambda u, r, d: citizen.identity_consent_grant(actor=u, report=r),
    ),
    "consent-revoke": (
        EmptySerializer,
        lambda u, r, d: citizen.identity_consent_revoke(actor=u, report=r),
    ),
    "assign-officer": (
        OfficerAssignSerializer,
        lambda u, r, d: officers.report_officer_assign(
            actor=u, report=r, officer=officer_get(report=r, pk=d["officer"])
        ),
    ),
}


class ReportActionView(APIView):
    """Base for one workflow action on one report; answers with the updated report."""

    permission_classes = [IsAuthenticated]
    action_name = ""

    def post(self, request: Request, reference: str) -> Response:
        serializer_class, perform = ACTIONS[self.action_name]
        report = selectors.report_get(user=request.user, reference=reference)
        # The policy answers first (403/409), before any input is read; the service checks
        # again under the row lock.
        policy.action_check(user=request.user, report=report, action=self.action_name)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        perform(request.user, report, dict(serializer.validated_data))
        return Response(report_detail_data(request=request, report=report))


def _action_view(name: str) -> type[ReportActionView]:
    serializer_class = ACTIONS[name][0]

    # A fresh function per action: extend_schema annotates the function object itself.
    @extend_schema(
        request=serializer_class,
        responses=ReportDetailSerializer,
        operation_id=f"report_{name.replace('-', '_')}",
    )
    def post(self, request: Request, reference: str) -> Response:
        return ReportActionView.post(self, request, reference)

    return type(
        f"Report{name.title().replace('-', '')}View",
        (ReportActionView,),
        {"action_name": name, "post": post, "__doc__": f"Workflow action “{name}”."},
    )


ACTION_VIEWS = {name: _action_view(name) for name in ACTIONS}


class FollowView(APIView):
    """Follow an open report instead of filing a duplicate."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, reference: str) -> Response:
        report = selectors.report_get_followable(reference=reference)
        citizen.report_follow(user=request.user, report=report)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentListCreateView(APIView):
    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        detail = report_detail_build(user=request.user, reference=reference)
        return Response(CommentSerializer(detail.comments, many=True).data)

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, reference: str) -> Response:
        if not request.user.is_authenticated:
            self.permission_denied(request)
        report = selectors.report_get(user=request.user, reference=reference)
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = citizen.comment_add(
            actor=request.user, report=report, **serializer.validated_data
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class IdentityView(APIView):
    """Staff read of the reporter's identity: needs a reason, written to the audit log."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReasonSerializer, responses=IdentitySerializer)
    def post(self, request: Request, reference: str) -> Response:
        report = selectors.report_get(user=request.user, reference=reference)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = identity.identity_reveal(
            actor=request.user, report=report, **serializer.validated_data
        )
        return Response(IdentitySerializer(person).data)


class RegisterView(APIView):
    """Citizen registration; answers with an API token. Limited per client address."""

    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = accounts.user_register(**serializer.validated_data)
        issued = token_issue(user=user)
        return Response(
            {"username": user.username, "token": issued.key}, status=status.HTTP_201_CREATED
        )
