"""The API's endpoints: thin. Each fetches through api.selectors (the apps' own visibility rules
asked on the token's behalf), filters and paginates; nothing here changes data except the token's
last-used time (api.authentication)."""

from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import AccountRequest
from audit.models import AuditEvent
from core.converters import MAX_ID
from registry import verification
from registry.models import RegistryEntry

from . import selectors, serializers, stream
from .filters import AccountRequestFilter, AuditEventFilter, RegistryEntryFilter
from .permissions import HasToken, needs_scope
from .renderers import JSONLinesRenderer
from .scopes import REGISTRY_SCOPES, Scope
from .throttles import TokenRateThrottle, VerifyRateThrottle

ERRORS = {
    401: OpenApiResponse(
        serializers.ErrorSerializer, description=_("No token, or an invalid, expired or revoked one.")
    ),
    403: OpenApiResponse(serializers.ErrorSerializer, description=_("The token lacks the scope.")),
    429: OpenApiResponse(serializers.ErrorSerializer, description=_("Rate limit reached; see Retry-After.")),
}
NOT_FOUND = {
    404: OpenApiResponse(serializers.ErrorSerializer, description=_("No such object within the token's scope."))
}
PAGE_NOT_FOUND = {404: OpenApiResponse(serializers.ErrorSerializer, description=_("No such page."))}
BAD_REQUEST = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=_("What is wrong, by parameter: {name: [messages]}."))
}


class TokenView:
    """Shared by every token endpoint: the token's rate limit, and its selector."""

    throttle_classes = [TokenRateThrottle]
    filter_backends = [DjangoFilterBackend]

    @property
    def token(self):
        return self.request.auth


@extend_schema(tags=["catalogue"], responses={200: serializers.UnitSerializer(many=True), **ERRORS, **PAGE_NOT_FOUND})
class UnitList(TokenView, generics.ListAPIView):
    """Schools, departments and the district office (within the token's units)."""

    permission_classes = [HasToken]
    serializer_class = serializers.UnitSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.units_visible_to_token(self.token).order_by("name", "pk")


@extend_schema(
    tags=["catalogue"], responses={200: serializers.PlatformSerializer(many=True), **ERRORS, **PAGE_NOT_FOUND}
)
class PlatformList(TokenView, generics.ListAPIView):
    """The district's approved platforms (§1.4.7)."""

    permission_classes = [HasToken]
    serializer_class = serializers.PlatformSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.platforms_visible_to_token(self.token).order_by("name", "pk")


class EntryMixin(TokenView):
    queryset = RegistryEntry.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [needs_scope(*REGISTRY_SCOPES)]
    serializer_class = serializers.RegistryEntrySerializer

    def get_queryset(self):
        return (
            selectors.entries_visible_to_token(self.token)
            .select_related("platform", "org_unit", "owner")
            .prefetch_related("co_admins")
            .defer("password")
            .order_by("org_unit__name", "platform__name", "handle", "pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


@extend_schema(
    tags=["registry"],
    responses={200: serializers.RegistryEntrySerializer(many=True), **BAD_REQUEST, **ERRORS, **PAGE_NOT_FOUND},
)
class EntryList(EntryMixin, generics.ListAPIView):
    """Registered accounts (§1.4.5). `registry:read`: every entry of the token's units;
    `registry:public`: active public-network accounts only (for the district's web sites)."""

    filterset_class = RegistryEntryFilter


@extend_schema(tags=["registry"], responses={200: serializers.RegistryEntrySerializer, **ERRORS, **NOT_FOUND})
class EntryDetail(EntryMixin, generics.RetrieveAPIView):
    """One registered account; 404 when it is outside what the token sees."""

    filter_backends = []


def status_histories(requests: list[AccountRequest]) -> dict[int, list[dict]]:
    """Each request's status changes, from the audit trail, in one query for the whole page."""
    if not requests:
        return {}
    content_type = ContentType.objects.get_for_model(AccountRequest)
    events = (
        AuditEvent.objects.filter(
            target_type=content_type,
            target_id__in=[str(r.pk) for r in requests],
            action__in=list(STATUS_OF_ACTION),
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    histories: dict[int, list[dict]] = defaultdict(list)
    for event in events:
        histories[int(event.target_id)].append(
            {
                "at": event.created_at,
                "status": STATUS_OF_ACTION[event.action],
                "by": event.actor.get_full_name() or event.actor.email if event.actor else "",
                "comment": (event.details or {}).get("comment") or (event.details or {}).get("reason") or "",
            }
        )
    return histories


STATUS_OF_ACTION = {
    "request.created": AccountRequest.Status.DRAFT,
    "request.submitted": AccountRequest.Status.SUBMITTED,
    "request.approved": AccountRequest.Status.APPROVED,
    "request.rejected": AccountRequest.Status.REJECTED,
    "request.changes_requested": AccountRequest.Status.CHANGES_REQUESTED,
    "request.withdrawn": AccountRequest.Status.WITHDRAWN,
}


class RequestMixin(TokenView):
    queryset = AccountRequest.objects.none()  # for the schema; requests use get_queryset
    permission_classes = [needs_scope(Scope.REQUESTS_READ)]
    serializer_class = serializers.AccountRequestSerializer

    def get_queryset(self):
        return (
            selectors.requests_visible_to_token(self.token)
            .select_related("requester", "org_unit", "platform", "decided_by")
            .order_by("-created_at", "-pk")
        )


@extend_schema(
    tags=["requests"],
    responses={200: serializers.AccountRequestSerializer(many=True), **BAD_REQUEST, **ERRORS, **PAGE_NOT_FOUND},
)
class RequestList(RequestMixin, generics.ListAPIView):
    """Account requests (§1.4.6), drafts excepted, newest first, each with its status history."""

    filterset_class = AccountRequestFilter

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "histories": status_histories(page)}
        return self.get_paginated_response(self.get_serializer_class()(page, many=True, context=context).data)


@extend_schema(tags=["requests"], responses={200: serializers.AccountRequestSerializer, **ERRORS, **NOT_FOUND})
class RequestDetail(RequestMixin, generics.RetrieveAPIView):
    """One account request with its status history; 404 when outside what the token sees."""

    filter_backends = []

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {**self.get_serializer_context(), "histories": status_histories([obj])}
        return Response(self.get_serializer_class()(obj, context=context).data)


def _cursor(value: str | None) -> int:
    if value in (None, ""):
        return 0
    if not value.isdigit() or int(value) > MAX_ID:
        raise ValidationError({"since": [_("A cursor is the next_cursor of an earlier page (digits only).")]})
    return int(value)


@extend_schema(
    tags=["audit"],
    parameters=[
        OpenApiParameter(
            "since",
            {"type": "string", "pattern": "^[0-9]{0,18}$"},
            description=_("The next_cursor of the last page (empty: from the start)."),
        ),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": 1000},
            description=_("Events per page, 1 to 1000 (default 200)."),
        ),
        OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "jsonl"], description=_("jsonl: JSON Lines.")),
    ],
    responses={
        (200, "application/json"): serializers.AuditPageSerializer,
        (200, "application/x-ndjson"): OpenApiResponse(
            OpenApiTypes.STR,
            description=_("One audit event (as in `events`) per line; X-Next-Cursor and X-Has-More headers."),
        ),
        **BAD_REQUEST,
        **ERRORS,
    },
    examples=[OpenApiExample("poll", value={"events": [], "next_cursor": "1042", "has_more": False})],
)
class AuditStream(TokenView, APIView):
    """The audit trail as a stream for security tools: events in id order after `since`, each exactly
    once across pages. Events appear after they settle (see README, "Audit stream"): a poller that
    passes back `next_cursor` never misses nor repeats one. Poll again at once while `has_more`."""

    permission_classes = [needs_scope(Scope.AUDIT_READ)]
    renderer_classes = [JSONRenderer, JSONLinesRenderer]
    filterset_class = AuditEventFilter
    DEFAULT_LIMIT = 200
    MAX_LIMIT = 1000

    def get(self, request):
        since = _cursor(request.query_params.get("since"))
        try:
            limit = int(request.query_params.get("limit") or self.DEFAULT_LIMIT)
        except ValueError:
            raise ValidationError({"limit": [_("A number from 1 to 1000.")]}) from None
        if not 1 <= limit <= self.MAX_LIMIT:
            raise ValidationError({"limit": [_("A number from 1 to 1000.")]})
        events = DjangoFilterBackend().filter_queryset(request, selectors.events_visible_to_token(self.token), self)
        rows, next_cursor, more = stream.page_after(events, since=since, limit=limit)
        data = {
            "events": serializers.AuditEventSerializer(rows, many=True).data,
            "next_cursor": str(next_cursor),
            "has_more": more,
        }
        headers = {"X-Next-Cursor": str(next_cursor), "X-Has-More": "true" if more else "false"}
        if request.accepted_renderer.format == JSONLinesRenderer.format:
            # A plain response: DRF drops the Content-Type of an empty body, and no events is a valid stream.
            body = JSONLinesRenderer().render(data)
            return HttpResponse(body, content_type="application/x-ndjson; charset=utf-8", headers=headers)
        return Response(data, headers=headers)


@extend_schema(
    tags=["public"],
    parameters=[serializers.VerifyQuerySerializer],
    responses={200: serializers.VerificationSerializer, **BAD_REQUEST, 429: ERRORS[429]},
    auth=[],
)
class Verify(APIView):
    """Is this an official district account? Public, no sign-in, rate-limited per address, CORS open
    for GET so that school web sites can show a badge. Says only whether the account is official
    (active), retired (was official, now disabled or removed) or unknown, and of which unit."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]
    renderer_classes = [JSONRenderer]

    def get(self, request):
        question = serializers.VerifyQuerySerializer(data=request.query_params)
        question.is_valid(raise_exception=True)
        url = question.validated_data.get("url", "")
        handle = question.validated_data.get("handle", "")
        platform = question.validated_data.get("platform", "")
        result = verification.verify(url or handle, platform=platform if handle else "")
        data = serializers.VerificationSerializer(
            {
                "official": result.official,
                "status": result.status,
                "accounts": [a.__dict__ for a in result.accounts],
                "checked_at": timezone.now(),
            }
        ).data
        return Response(data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # CORS for this endpoint only: any site may read the answer (no credentials are involved).
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response["Access-Control-Max-Age"] = "86400"
        response["Cache-Control"] = "public, max-age=300" if response.status_code == status.HTTP_200_OK else "no-store"
        response["Vary"] = "Accept"
        return response


class Docs(SpectacularSwaggerSplitView):
    """Swagger UI, its assets served by the portal (drf-spectacular-sidecar): no CDN, no inline code."""

    template_name = "api/docs.html"
    url_name = "api:schema"


def badge(request):
    """The embeddable "official account" badge: what a school web site copies (snippet and preview)."""
    example_url = request.GET.get("url", "")[:300]
    return render(
        request,
        "api/badge.html",
        {
            "portal": settings.PORTAL_BASE_URL,
            "example_url": example_url,
            # Code to copy, not text to translate: shown escaped in the page.
            "snippet": (
                f'<script src="{settings.PORTAL_BASE_URL}{static("api/badge.js")}"\n'
                f'        data-ap1311-url="{example_url or "https://www.instagram.com/your_account/"}" async></script>'
            ),
        },
    )
