"""District admins create, revoke and watch tokens and webhooks here. A token's key and a webhook's
secret are shown once, on the page that answers the creation (never stored, never sent again)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import services
from .forms import TokenCreateForm, WebhookCreateForm, WebhookForm
from .models import ApiToken, WebhookDelivery, WebhookEndpoint


def _is_district_admin(request) -> bool:
    return bool(request.user.is_active and request.user.is_district_admin)


class DistrictAdminOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _is_district_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_district_admin(request)

    def has_add_permission(self, request):
        return _is_district_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # history: tokens are revoked, endpoints deactivated, deliveries kept

    def _shown_once(self, request, template: str, context: dict) -> TemplateResponse:
        response = TemplateResponse(
            request, template, {**self.admin_site.each_context(request), "opts": self.model._meta, **context}
        )
        response["Cache-Control"] = "no-store, max-age=0"
        return response

    def _apply_problems(self, form, error: services.ApiError) -> None:
        for field, message in error.problems.items():
            form.add_error(field if field in form.fields else None, message)
        if not error.problems:
            form.add_error(None, str(error))


@admin.register(ApiToken)
class ApiTokenAdmin(DistrictAdminOnly):
    list_display = ["name", "key_hint", "scope_labels", "expires_at", "last_used_at", "revoked_at", "created_by"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["name", "key_hint"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "name",
        "key_hint",
        "scopes",
        "units_list",
        "expires_at",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = readonly_fields
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False  # a token never changes: revoke it and make a new one

    def has_revoke_permission(self, request):
        return _is_district_admin(request)

    @admin.display(description=_("units"))
    def units_list(self, token):
        return ", ".join(u.name for u in token.units.all()) or _("The whole district")

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters())
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = TokenCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                token, key = services.create_token(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    units=form.cleaned_data["units"],
                    expires_at=form.expires_at,
                )
            except services.ApiError as error:
                self._apply_problems(form, error)
            else:
                return self._shown_once(request, "api/admin/token_created.html", {"token": token, "key": key})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("New API token"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "api/admin/token_form.html", context)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        done = 0
        for token in queryset:
            try:
                services.revoke_token(actor=request.user, token=token)
                done += 1
            except services.ApiError as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)s token revoked.", "%(count)s tokens revoked.", done) % {"count": done},
            messages.SUCCESS,
        )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(DistrictAdminOnly):
    list_display = ["name", "url", "event_list", "body_format", "is_active", "created_at"]
    list_filter = ["is_active", "body_format"]
    search_fields = ["name", "url"]
    form = WebhookForm
    actions = ["rotate_secret"]

    def has_change_permission(self, request, obj=None):
        return _is_district_admin(request)

    @admin.display(description=_("events"))
    def event_list(self, endpoint):
        return ", ".join(endpoint.events or [])

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters())
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = WebhookCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                endpoint, secret = services.register_webhook(
                    actor=request.user,
                    name=data["name"],
                    url=data["url"],
                    events=data["events"],
                    units=data["units"],
                    body_format=data["body_format"],
                    secret=data.get("secret", ""),
                )
            except services.ApiError as error:
                self._apply_problems(form, error)
            else:
                return self._shown_once(
                    request, "api/admin/webhook_secret.html", {"endpoint": endpoint, "secret": secret}
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("New webhook endpoint"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "api/admin/token_form.html", context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.update_webhook(
            actor=request.user,
            endpoint=obj,
            name=data["name"],
            url=data["url"],
            events=data["events"],
            units=data["units"],
            body_format=data["body_format"],
            is_active=data["is_active"],
        )

    def save_related(self, request, form, formsets, change):
        pass  # the service set the units

    @admin.action(description=_("Rotate the signing secret (shown once)"))
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Rotate one endpoint’s secret at a time."), messages.WARNING)
            return None
        endpoint = queryset.get()
        secret = services.rotate_webhook_secret(actor=request.user, endpoint=endpoint)
        return self._shown_once(request, "api/admin/webhook_secret.html", {"endpoint": endpoint, "secret": secret})


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(DistrictAdminOnly):
    """The outbox: filter on "Gave up" to see what never arrived, and retry it."""

    list_display = [
        "created_at",
        "endpoint",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
    ]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "endpoint",
        "audit_event",
        "event",
        "payload",
        "idempotency_key",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "delivered_at",
        "last_status_code",
        "last_error",
        "created_at",
    ]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return _is_district_admin(request)

    @admin.action(description=_("Retry now (gave up or waiting)"), permissions=["retry"])
    def retry(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        count = services.retry_deliveries(ids)
        services.enqueue_deliveries(ids)
        self.message_user(
            request,
            ngettext("%(count)s delivery queued again.", "%(count)s deliveries queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
