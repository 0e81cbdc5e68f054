"""Policy versions: the statements requesters acknowledge are data district admins keep, and what was
agreed stays provable (issue 11, item 9; AP 1311 §1.2.3)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals import services
from approvals.acknowledgements import active_statements
from approvals.forms import AccountRequestForm
from approvals.models import AccountRequest, Acknowledgement, PolicyVersion
from audit.models import AuditEvent

from .conftest import ALL_CODES, SEED

pytestmark = pytest.mark.django_db


def _reword(code: str, wording: str, admin) -> PolicyVersion:
    """A district admin writes a new wording of a statement and publishes it."""
    active = PolicyVersion.objects.get(code=code, is_active=True)
    draft = services.draft_policy_version(based_on=active, user=admin)
    draft.wording = wording
    draft.save()
    return services.publish_policy_version(policy_version=draft, user=admin)


# --- The seed -----------------------------------------------------------------------------------------


def test_the_migration_seeds_todays_statements_published_and_active_in_the_forms_order():
    statements = active_statements()
    assert [s.code for s in statements] == ALL_CODES
    assert {s.version for s in statements} == {"2026-1"}
    assert all(s.is_published and s.wording for s in statements)
    by_code = {s.code: s for s in statements}
    assert by_code["student_pii"].clause == "§1.3.6"
    assert by_code["professional_use"].why.startswith("§1.2.1.1")


def test_acknowledgements_recorded_before_the_migration_get_their_wording_from_the_seeded_rows(submitted):
    Acknowledgement.objects.filter(request=submitted).update(statement_text="")
    SEED.seed(apps, None)  # the data migration, run again on these rows
    ack = Acknowledgement.objects.get(request=submitted, statement="no_privacy")
    assert ack.statement_text == PolicyVersion.objects.get(code="no_privacy", version="2026-1").wording


# --- Submitting keeps the exact wording -----------------------------------------------------------------


def test_submission_keeps_the_exact_wording_of_each_statement_with_its_version_1_2_3(submitted):
    for statement in active_statements():
        ack = submitted.acknowledgements.get(statement=statement.code)
        assert (ack.statement_version, ack.statement_text) == (statement.version, statement.wording)


def test_a_new_wording_is_a_new_row_and_never_changes_what_was_acknowledged_before_1_2_3(submitted, district_admin):
    before = submitted.acknowledgements.get(statement="student_pii")
    new = _reword(
        "student_pii", "I post nothing that identifies a student without the consent the law asks.", district_admin
    )
    assert PolicyVersion.objects.filter(code="student_pii").count() == 2
    old = PolicyVersion.objects.get(code="student_pii", version="2026-1")
    assert (old.is_active, new.is_active, new.version) == (False, True, "2026-2")
    after = submitted.acknowledgements.get(statement="student_pii")
    assert (after.statement_version, after.statement_text) == (before.statement_version, before.statement_text)
    assert after.statement_text == old.wording != new.wording


def test_the_request_page_shows_the_wording_the_requester_ticked_not_todays(
    client_for, teacher, submitted, district_admin
):
    ticked = submitted.acknowledgements.get(statement="ap1201").statement_text
    _reword("ap1201", "I have read AP 1201 and its 2027 update.", district_admin)
    page = client_for(teacher).get(reverse("approvals:detail", args=[submitted.pk]))
    row = next(item for item in page.context["acknowledgements"] if item["ack"].statement == "ap1201")
    assert row["wording"] == ticked
    assert ticked in page.content.decode() and "2027 update" not in page.content.decode()


def test_a_draft_ticked_under_the_old_wording_must_be_ticked_again_to_submit(teacher, draft, district_admin):
    new = _reword("no_privacy", "How I use a professional site may be looked at by the district.", district_admin)
    with pytest.raises(services.WorkflowError) as refused:
        services.submit_request(account_request=draft, user=teacher)
    assert list(refused.value.problems) == ["ack_no_privacy"]
    services.submit_request(account_request=draft, user=teacher, acknowledged=ALL_CODES)
    ack = draft.acknowledgements.get(statement="no_privacy")
    assert (ack.statement_version, ack.statement_text) == (new.version, new.wording)


def test_the_request_form_asks_the_active_wording(teacher, district_admin):
    _reword("platform_rules", "I have read the terms of use of this platform.", district_admin)
    form = AccountRequestForm(user=teacher)
    assert form.fields["ack_platform_rules"].label.startswith("I have read the terms of use of this platform.")
    assert form["seen_platform_rules"].value() == "2026-2"


def test_a_tick_given_to_a_wording_replaced_while_the_page_was_open_is_refused(teacher, post_data, district_admin):
    _reword("student_accounts", "I do not look at my students' personal accounts.", district_admin)
    data = {**post_data, **{f"seen_{code}": "2026-1" for code in ALL_CODES}}
    form = AccountRequestForm(data, user=teacher, intent=AccountRequestForm.SUBMIT)
    assert not form.is_valid()
    assert list(form.errors) == ["ack_student_accounts"]
    assert "reworded" in form.errors["ack_student_accounts"][0]
    # Shown again, the page carries the new version, so ticking once more is enough.
    assert form["seen_student_accounts"].value() == "2026-2"
    assert form["title"].value() == post_data["title"]


def test_a_retired_statement_is_no_longer_asked(teacher, values, district_admin):
    services.retire_policy_version(policy_version=PolicyVersion.objects.get(code="ap1201_b"), user=district_admin)
    assert "ack_ap1201_b" not in AccountRequestForm(user=teacher).fields
    request = services.create_draft(requester=teacher, values=values, acknowledged=ALL_CODES)
    services.submit_request(account_request=request, user=teacher)
    assert not request.acknowledgements.filter(statement="ap1201_b").exists()
    assert request.acknowledgements.count() == len(ALL_CODES) - 1


# --- The rules of the versions themselves ------------------------------------------------------------


def test_a_published_wording_cannot_be_changed_in_place():
    published = PolicyVersion.objects.get(code="ap1201", is_active=True)
    published.wording = "Quietly changed."
    with pytest.raises(ValidationError):
        published.save()
    assert PolicyVersion.objects.get(pk=published.pk).wording != "Quietly changed."


def test_only_a_district_admin_drafts_publishes_or_retires(principal):
    active = PolicyVersion.objects.get(code="ap1201", is_active=True)
    for call in (
        lambda: services.draft_policy_version(based_on=active, user=principal),
        lambda: services.publish_policy_version(policy_version=active, user=principal),
        lambda: services.retire_policy_version(policy_version=active, user=principal),
    ):
        with pytest.raises(services.NotPermitted):
            call()
    assert PolicyVersion.objects.filter(code="ap1201").count() == 1 and active.is_active


def test_publishing_twice_is_refused_and_one_event_names_the_version_replaced(district_admin):
    new = _reword("ap1201_c", "I have read Appendix 1201 C.", district_admin)
    with pytest.raises(services.WorkflowError, match="already published"):
        services.publish_policy_version(policy_version=new, user=district_admin)
    (event,) = AuditEvent.objects.filter(action="policy.published")
    assert event.actor == district_admin
    assert event.details == {"code": "ap1201_c", "clause": "§1.2.3", "version": "2026-2", "replaces": "2026-1"}
    assert AuditEvent.objects.filter(action="policy.drafted").count() == 1


def test_new_versions_count_up_past_versions_the_statement_already_has(district_admin):
    active = PolicyVersion.objects.get(code="ap1201", is_active=True)
    PolicyVersion.objects.create(code="ap1201", clause="§1.2.3", version="2026-2", wording="An abandoned draft.")
    assert services.draft_policy_version(based_on=active, user=district_admin).version == "2026-3"


# --- The admin ---------------------------------------------------------------------------------------


def test_district_admin_publishes_a_new_wording_from_the_admin(client_for, district_admin):
    client = client_for(district_admin)
    active = PolicyVersion.objects.get(code="daily_monitoring", is_active=True)
    changelist = reverse("admin:approvals_policyversion_changelist")
    client.post(changelist, {"action": "start_new_version", "_selected_action": [active.pk]})
    draft = PolicyVersion.objects.get(code="daily_monitoring", published_at__isnull=True)
    change = reverse("admin:approvals_policyversion_change", args=[draft.pk])
    response = client.post(
        change,
        {
            "code": "daily_monitoring",
            "clause": "§1.4.3",
            "version": draft.version,
            "wording": "I read the comments every day while they are on.",
            "why": draft.why,
            "position": draft.position,
        },
    )
    assert response.status_code == 302
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_active and draft.wording == "I read the comments every day while they are on."
    assert AuditEvent.objects.filter(action="policy.published", target_id=str(draft.pk)).exists()


def test_a_published_version_is_read_only_and_cannot_be_deleted_in_the_admin(client_for, district_admin):
    client = client_for(district_admin)
    active = PolicyVersion.objects.get(code="ap1201", is_active=True)
    change = reverse("admin:approvals_policyversion_change", args=[active.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="wording"' not in page.content.decode()
    client.post(change, {"wording": "Tampered.", "position": active.position})
    assert (
        client.post(reverse("admin:approvals_policyversion_delete", args=[active.pk]), {"post": "yes"}).status_code
        == 403
    )
    active.refresh_from_db()
    assert active.wording != "Tampered."


def test_a_statement_added_in_the_admin_is_asked_of_every_request_submitted_after(teacher, values, district_admin):
    added = PolicyVersion.objects.create(
        code="privacy_settings", clause="§1.3.3", version="2026-1", wording="I set the site's privacy to its audience."
    )
    services.publish_policy_version(policy_version=added, user=district_admin)
    request = services.create_draft(requester=teacher, values=values, acknowledged=ALL_CODES)
    with pytest.raises(services.WorkflowError):
        services.submit_request(account_request=request, user=teacher)
    services.submit_request(account_request=request, user=teacher, acknowledged=[*ALL_CODES, "privacy_settings"])
    assert AccountRequest.objects.get(pk=request.pk).status == AccountRequest.Status.SUBMITTED
    assert request.acknowledgements.get(statement="privacy_settings").statement_text == added.wording
