"""Every change made in the Django admin lands in the audit trail (issue 11, "the admin is audited").

Platforms (§1.4.7), org units, memberships and roles, schedules, policy versions, allauth's and
django-celery-beat's models: whatever a district admin adds, changes or deletes in the admin writes one
audit event, `admin.added` / `admin.changed` / `admin.deleted`, with who, which object and, for a change,
each changed field from what to what (never a secret: password-like fields say only that they changed).

It is done once for every ModelAdmin registered on the site, ours and the libraries' alike
(`audit_every_admin`, called from AuditConfig.ready after the admin's autodiscovery), so a new admin
cannot forget it. Django's admin calls `log_addition` and `log_change` after each
successful save and `log_deletions` before each delete; the values are captured in `save_model`, `save_formset` and
`delete_*` just before.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from .services import record_event

MAX_VALUE = 200
_SECRET_HINTS = ("password", "secret", "token", "key", "otp", "hash")


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(hint in lowered for hint in _SECRET_HINTS)


def _show(value: Any) -> Any:
    """A JSON-friendly, short form of a form value (objects by their str, querysets as lists)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(v)[:MAX_VALUE] for v in value)
    if isinstance(value, models.Model):
        return str(value)[:MAX_VALUE]
    return str(value)[:MAX_VALUE]


def _field_changes(form) -> dict[str, list]:
    changes = {}
    for name in form.changed_data:
        if _is_secret(name):
            changes[name] = ["(hidden)", "(changed)"]
            continue
        before = form.initial.get(name)
        if isinstance(before, list | tuple) and before and isinstance(before[0], models.Model):
            before = [str(v) for v in before]
        changes[name] = [_show(before), _show(form.cleaned_data.get(name))]
    return changes


def _org_unit_of(obj):
    from accounts.models import OrgUnit

    if isinstance(obj, OrgUnit):
        return obj
    return getattr(obj, "org_unit", None) if getattr(obj, "org_unit_id", None) else None


def _record(request, obj, verb: str, details: dict) -> None:
    meta = obj._meta
    record_event(
        actor=request.user,
        action=f"admin.{verb}",
        target=obj,  # a deleted object keeps its type, id and name in the event
        org_unit=_org_unit_of(obj) if verb != "deleted" else None,
        details={"model": meta.label_lower, "object": str(obj)[:MAX_VALUE], "id": str(obj.pk), **details},
    )


class AuditedAdminMixin:
    """Writes an audit event for every add, change and delete made through this ModelAdmin."""

    def save_model(self, request, obj, form, change):
        request._admin_audit = getattr(request, "_admin_audit", {})
        request._admin_audit[id(obj)] = _field_changes(form) if change else {}
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Inline rows (memberships of a unit, ...) are audited as changes of their own objects."""
        deleted = [(obj, str(obj)) for obj in getattr(formset, "deleted_objects", [])]
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            obj = inline_form.instance
            if obj.pk is None or not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            verb = "changed" if inline_form.initial else "added"
            _record(request, obj, verb, {"changes": _field_changes(inline_form), "inline_of": str(form.instance)})
        for obj, label in deleted:
            _record(request, obj, "deleted", {"object": label, "inline_of": str(form.instance)})

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        _record(request, obj, "added", {})
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        changes = getattr(request, "_admin_audit", {}).pop(id(obj), None)
        if changes is None and "password" in str(message).lower():
            changes = {"password": ["(hidden)", "(changed)"]}  # UserAdmin's own password view
        _record(request, obj, "changed", {"changes": changes or {}})
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            _record(request, obj, "deleted", {})
        return entries


def audit_every_admin(site: admin.AdminSite) -> None:
    """Give every ModelAdmin registered on `site` the audit mixin (idempotent)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        audited = type(f"Audited{type(model_admin).__name__}", (AuditedAdminMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, audited)
