"""Every change in the Django admin is in the audit trail: who, what, which fields from what to what (issue 11)."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts.models import Membership
from audit.admin_trail import AuditedAdminMixin
from audit.models import AuditEvent
from catalogue.models import Platform

pytestmark = pytest.mark.django_db


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_every_model_admin_on_the_site_is_audited():
    unaudited = [m._meta.label for m, a in admin.site._registry.items() if not isinstance(a, AuditedAdminMixin)]
    assert unaudited == []


def test_adding_a_platform_in_the_admin_is_audited_1_4_7(client_for, district_admin):
    client_for(district_admin).post(
        reverse("admin:catalogue_platform_add"),
        {"name": "Edublogs", "is_approved": "on", "rules_url": "https://edublogs.org/terms/", "notes": ""},
    )
    (event,) = _events("admin.added")
    assert event.actor == district_admin and event.details["model"] == "catalogue.platform"
    assert event.target_repr == "Edublogs"


def test_changing_a_platform_records_each_field_from_what_to_what(client_for, district_admin):
    platform = Platform.objects.create(name="TikTok", is_approved=True, supports_comments_off=True)
    client_for(district_admin).post(
        reverse("admin:catalogue_platform_change", args=[platform.pk]),
        {"name": "TikTok", "rules_url": "", "supports_comments_off": "on", "notes": "Not for classes."},
    )
    (event,) = _events("admin.changed")
    assert event.details["changes"] == {"is_approved": [True, False], "notes": ["", "Not for classes."]}


def test_a_membership_added_inline_on_a_unit_is_audited_with_the_unit(client_for, district_admin, school_a, colleague):
    url = reverse("admin:accounts_orgunit_change", args=[school_a.pk])
    page = client_for(district_admin).get(url)
    data = {
        "name": school_a.name,
        "code": school_a.code,
        "kind": school_a.kind,
        "website_url": "",
        "is_active": "on",
    }
    formset = page.context["inline_admin_formsets"][0].formset
    prefix = formset.prefix
    existing = list(formset.queryset)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(existing) + 1),
            f"{prefix}-INITIAL_FORMS": str(len(existing)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for i, m in enumerate(existing):
        data.update(
            {
                f"{prefix}-{i}-id": str(m.pk),
                f"{prefix}-{i}-org_unit": str(school_a.pk),
                f"{prefix}-{i}-user": str(m.user_id),
                f"{prefix}-{i}-role": m.role,
                f"{prefix}-{i}-title": m.title,
            }
        )
    n = len(existing)
    data.update(
        {
            f"{prefix}-{n}-org_unit": str(school_a.pk),
            f"{prefix}-{n}-user": str(colleague.pk),
            f"{prefix}-{n}-role": Membership.Role.APPROVER,
            f"{prefix}-{n}-title": "Vice-principal",
        }
    )
    response = client_for(district_admin).post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    added = [e for e in _events("admin.added") if e.details["model"] == "accounts.membership"]
    assert len(added) == 1 and added[0].org_unit == school_a and added[0].details["inline_of"] == school_a.name


def test_deleting_in_the_admin_is_audited(client_for, district_admin):
    platform = Platform.objects.create(name="Old wiki")
    response = client_for(district_admin).post(
        reverse("admin:catalogue_platform_delete", args=[platform.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not Platform.objects.filter(pk=platform.pk).exists()
    (event,) = _events("admin.deleted")
    assert event.details["object"] == "Old wiki" and event.target_id == str(platform.pk)


def test_changing_a_schedule_is_audited(client_for, district_admin):
    crontab = CrontabSchedule.objects.create(minute="30", hour="7")
    task = PeriodicTask.objects.create(name="Moderation", task="notifications.tasks.run_sweep", crontab=crontab)
    client = client_for(district_admin)
    page = client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]))
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update({"name": "Moderation", "regtask": "notifications.tasks.run_sweep", "crontab": crontab.pk})
    data.update({"args": "[]", "kwargs": "{}", "enabled": "", "expire_seconds": "", "priority": "", "queue": ""})
    client.post(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]), data)
    changed = _events("admin.changed")
    assert changed and changed[-1].details["model"] == "django_celery_beat.periodictask"
    assert changed[-1].details["changes"]["enabled"] == [True, False]


def test_a_password_set_in_the_admin_is_audited_without_the_password(client_for, district_admin, teacher):
    client_for(district_admin).post(
        reverse("admin:auth_user_password_change", args=[teacher.pk]),
        {"password1": "N3w-secret-pass!", "password2": "N3w-secret-pass!", "usable_password": "true"},
    )
    teacher.refresh_from_db()
    assert teacher.check_password("N3w-secret-pass!")
    (event,) = _events("admin.changed")
    assert event.details["changes"] == {"password": ["(hidden)", "(changed)"]}
    assert "N3w-secret-pass!" not in str(event.details) and teacher.password not in str(event.details)
