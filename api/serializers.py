"""What each endpoint returns. Fields are listed one by one (never `fields = "__all__"`): a registry
entry's login username, login e-mail, recovery e-mail and password, and a request's account e-mail
(the future login), are not in any serializer, so no endpoint can return them (§1.4.5)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import OrgUnit, User
from approvals.models import AccountRequest
from audit.models import AuditEvent
from catalogue.models import Platform
from registry.models import RegistryEntry


class PersonSerializer(serializers.Serializer):
    """A staff member by name and district e-mail: never a login detail of an account."""

    name = serializers.SerializerMethodField()
    email = serializers.EmailField(read_only=True)

    def get_name(self, user: User) -> str:
        return user.get_full_name()


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "website_url"]


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class PlatformSerializer(serializers.ModelSerializer):
    class Meta:
        model = Platform
        fields = ["id", "name", "rules_url", "supports_comments_off"]


class PlatformRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Platform
        fields = ["id", "name"]


class RegistryEntrySerializer(serializers.ModelSerializer):
    """A registered account (§1.4.5): public fields, people with administrative access, settings."""

    unit = UnitRefSerializer(source="org_unit", read_only=True)
    platform = PlatformRefSerializer(read_only=True)
    owner = PersonSerializer(read_only=True)
    co_admins = PersonSerializer(many=True, read_only=True)
    review_overdue = serializers.SerializerMethodField()

    class Meta:
        model = RegistryEntry
        fields = [
            "id",
            "handle",
            "name",
            "url",
            "platform",
            "unit",
            "owner",
            "co_admins",
            "status",
            "privacy",
            "comment_setting",
            "last_reviewed_at",
            "next_review_due",
            "review_overdue",
            "status_changed_at",
            "created_at",
        ]

    def get_review_overdue(self, entry: RegistryEntry) -> bool:
        return entry.is_review_overdue(self.context.get("today"))


class StatusChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=AccountRequest.Status.choices)
    by = serializers.CharField(help_text=_("Who moved the request, by name; empty for the portal itself."))
    comment = serializers.CharField(allow_blank=True)


class AccountRequestSerializer(serializers.ModelSerializer):
    """An account request (§1.4.6) with its status history from the audit trail."""

    unit = UnitRefSerializer(source="org_unit", read_only=True)
    platform = PlatformRefSerializer(read_only=True)
    requester = PersonSerializer(read_only=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)
    status_history = serializers.SerializerMethodField()

    class Meta:
        model = AccountRequest
        fields = [
            "id",
            "title",
            "status",
            "unit",
            "platform",
            "requester",
            "school_based",
            "purpose",
            "network",
            "comment_setting",
            "intended_audience",
            "school_website_url",
            "created_at",
            "submitted_at",
            "decided_at",
            "decided_by",
            "decision_comment",
            "status_history",
        ]

    @extend_schema_field(StatusChangeSerializer(many=True))
    def get_status_history(self, account_request: AccountRequest) -> list[dict]:
        history = self.context.get("histories", {}).get(account_request.pk, [])
        return StatusChangeSerializer(history, many=True).data


class AuditEventSerializer(serializers.ModelSerializer):
    """One audit event, as the audit page shows it; `cursor` resumes the stream after it."""

    cursor = serializers.SerializerMethodField()
    actor = PersonSerializer(read_only=True, allow_null=True)
    unit = UnitRefSerializer(source="org_unit", read_only=True, allow_null=True)
    target = serializers.SerializerMethodField()
    details = serializers.JSONField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "cursor", "created_at", "action", "actor", "unit", "target", "source_ip", "details"]

    def get_cursor(self, event: AuditEvent) -> str:
        return str(event.pk)

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"type": {"type": "string"}, "id": {"type": "string"}, "name": {"type": "string"}},
            "required": ["type", "id", "name"],
        }
    )
    def get_target(self, event: AuditEvent) -> dict | None:
        if not event.target_type_id:
            return None
        kind = f"{event.target_type.app_label}.{event.target_type.model}"
        return {"type": kind, "id": event.target_id, "name": event.target_repr}


class AuditPageSerializer(serializers.Serializer):
    events = AuditEventSerializer(many=True)
    next_cursor = serializers.CharField(help_text=_("Pass as ?since= to get the events after this page."))
    has_more = serializers.BooleanField(help_text=_("True when more events were ready: ask again at once."))


# Protocol values, not labels: the same in every language.
RETIRED_OR_OFFICIAL = ("official", "retired")
VERDICTS = ("official", "retired", "unknown")


class VerifiedAccountSerializer(serializers.Serializer):
    handle = serializers.CharField()
    platform = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(help_text=_("The school or department the account belongs (or belonged) to."))
    unit_website = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=RETIRED_OR_OFFICIAL)


class VerificationSerializer(serializers.Serializer):
    official = serializers.BooleanField(help_text=_("True when an active official district account matches."))
    status = serializers.ChoiceField(
        choices=VERDICTS,
        help_text=_(
            "official: active; retired: was official, now disabled or removed; unknown: not ours, as far as we can say."
        ),
    )
    accounts = VerifiedAccountSerializer(many=True)
    checked_at = serializers.DateTimeField(default=timezone.now)


class VerifyQuerySerializer(serializers.Serializer):
    """The verify endpoint's question (DRF's CharField refuses NUL characters: a 400, never a 500)."""

    url = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text=_("The account's link."))
    handle = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text=_("The account's handle, with or without @.")
    )
    platform = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("With handle: the platform's name.")
    )

    def validate(self, data):
        if bool(data.get("url")) == bool(data.get("handle")):
            raise serializers.ValidationError({"url": [_("Give either url, or handle (and optionally platform).")]})
        return data


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
