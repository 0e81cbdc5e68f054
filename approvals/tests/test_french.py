"""Approvals in French (issue 17): the statements as data in two languages (§1.2.3), the record of the
wording actually read, and the request pages for a person who reads the portal in French."""

import html

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from approvals import services
from approvals.acknowledgements import active_statements
from approvals.admin import PolicyVersionAdmin
from approvals.factories import AccountRequestFactory
from approvals.models import AccountRequest, Acknowledgement, PolicyVersion

FR = "fr-ca"
PII_FR = "Je ne publierai aucun renseignement personnel ni aucune photo d’élève sans consentement."
PRIVACY_FR = "Je comprends que je ne peux m’attendre à aucune confidentialité sur ce site professionnel."
WHY_PII_FR = "§1.3.6 : rien qui identifie un élève n’est publié sans consentement."


def _page(response) -> str:
    """The page's own content (<main>): the shared navigation around it is another part's to translate."""
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    return body[body.index("<main") : body.index("</main>")]


def _in_french(*users):
    for user in users:
        user.language = FR
        user.save(update_fields=["language"])


@pytest.fixture
def french_statements(db):
    """Two of the active statements have a French wording; the others only the English (§1.2.3). (The
    shipped statements come with French, migration 0008: it is cleared first, as a district's own are.)"""
    PolicyVersion.objects.update(wording_fr="", why_fr="")
    PolicyVersion.objects.filter(code="student_pii", is_active=True).update(wording_fr=PII_FR, why_fr=WHY_PII_FR)
    PolicyVersion.objects.filter(code="no_privacy", is_active=True).update(wording_fr=PRIVACY_FR)
    return {s.code: s for s in active_statements()}


# --- The statements in the reader's language (§1.2.3) ---------------------------------------------------


def test_a_french_requester_sees_the_french_statements_and_the_english_where_none_is_written(
    client_for, teacher, french_statements
):
    _in_french(teacher)
    body = _page(client_for(teacher).get(reverse("approvals:create")))
    assert PII_FR in body and WHY_PII_FR in body and PRIVACY_FR in body
    assert french_statements["student_pii"].wording not in body
    assert french_statements["no_privacy"].wording not in body
    # No French written for this one: the English is shown rather than nothing (the fallback).
    assert french_statements["professional_use"].wording in body


def test_an_english_reader_sees_the_english_statements_even_when_french_exists(client_for, teacher, french_statements):
    body = _page(client_for(teacher).get(reverse("approvals:create")))
    assert french_statements["student_pii"].wording in body
    assert PII_FR not in body


def test_acknowledging_in_french_records_the_french_wording_that_was_read(
    client_for, teacher, principal, post_data, french_statements
):
    _in_french(teacher)
    response = client_for(teacher).post(reverse("approvals:create"), {**post_data, "action": "submit"})
    account_request = AccountRequest.objects.get(requester=teacher)
    assert response.status_code == 302 and account_request.status == AccountRequest.Status.SUBMITTED
    acks = {a.statement: a for a in account_request.acknowledgements.all()}
    assert acks["student_pii"].statement_text == PII_FR
    assert acks["student_pii"].statement_language == FR
    assert acks["no_privacy"].statement_text == PRIVACY_FR
    # §1.2.3: where the district wrote no French, the person read (and the record holds) the English.
    english = french_statements["professional_use"]
    assert acks["professional_use"].statement_text == english.wording
    assert acks["professional_use"].statement_language == "en-ca"
    # The version stays the version: the French is the same statement, not a new one.
    assert acks["student_pii"].statement_version == french_statements["student_pii"].version


def test_acknowledging_in_english_records_the_english_wording(teacher, values, french_statements):
    draft = services.create_draft(requester=teacher, values=values, acknowledged=list(french_statements))
    services.submit_request(account_request=draft, user=teacher, language="en-ca")
    ack = Acknowledgement.objects.get(request=draft, statement="student_pii")
    assert ack.statement_text == french_statements["student_pii"].wording
    assert ack.statement_language == "en-ca"


def test_the_service_records_the_language_it_is_told(teacher, values, french_statements):
    draft = services.create_draft(requester=teacher, values=values, acknowledged=list(french_statements))
    services.submit_request(account_request=draft, user=teacher, language=FR)
    ack = Acknowledgement.objects.get(request=draft, statement="student_pii")
    assert (ack.statement_text, ack.statement_language) == (PII_FR, FR)


def test_the_approver_reads_the_french_wording_the_requester_ticked_marked_as_read_in_french(
    client_for, teacher, principal, values, french_statements
):
    draft = services.create_draft(requester=teacher, values=values, acknowledged=list(french_statements))
    services.submit_request(account_request=draft, user=teacher, language=FR)
    body = _page(client_for(principal).get(reverse("approvals:decide", args=[draft.pk])))
    assert PII_FR in body and "read in French" in body
    assert french_statements["student_pii"].wording not in body


# --- The French wording is policy data: written beside the English, then frozen (§1.2.3) -------------------


def test_a_published_version_may_get_its_french_once_and_never_have_it_changed(french_statements):
    version = PolicyVersion.objects.get(code="professional_use", is_active=True)
    version.wording_fr = "J’utiliserai le site à des fins professionnelles seulement."
    version.save()
    version.wording_fr = "Autre chose."
    with pytest.raises(ValidationError):
        version.save()
    pii = french_statements["student_pii"]
    pii.why_fr = "Une autre raison."
    with pytest.raises(ValidationError):
        pii.save()


def test_the_admin_edits_the_french_beside_the_english_until_it_is_written(rf, district_admin, french_statements):
    admin = PolicyVersionAdmin(PolicyVersion, None)
    request = rf.get("/")
    request.user = district_admin
    assert admin.fields.index("wording_fr") == admin.fields.index("wording") + 1
    assert admin.fields.index("why_fr") == admin.fields.index("why") + 1
    missing = french_statements["professional_use"]
    assert "wording_fr" not in admin.get_readonly_fields(request, missing)
    assert "wording" in admin.get_readonly_fields(request, missing)
    written = french_statements["student_pii"]
    assert {"wording_fr", "why_fr"} <= set(admin.get_readonly_fields(request, written))


def test_a_new_version_starts_from_the_french_too(district_admin, french_statements):
    draft = services.draft_policy_version(based_on=french_statements["student_pii"], user=district_admin)
    assert (draft.wording_fr, draft.why_fr) == (PII_FR, WHY_PII_FR)


def test_the_shipped_statements_come_with_their_french_wording(db):
    """Migration 0008: every statement the portal ships with (version 2026-1) has its French, so a
    French-speaking district reads them in French from the first day; seed_demo changes nothing of it."""
    versions = list(PolicyVersion.objects.filter(is_active=True))
    assert versions and all(v.wording_fr and v.why_fr for v in versions)
    pii = next(v for v in versions if v.code == "student_pii")
    assert pii.wording_fr.startswith("Je ne publierai")
    call_command("seed_demo", without_requests=True, verbosity=0)
    assert PolicyVersion.objects.get(pk=pii.pk).wording_fr == pii.wording_fr


# --- The request pages in French ------------------------------------------------------------------------------


def test_my_requests_page_in_french(client_for, teacher, submitted):
    _in_french(teacher)
    body = _page(client_for(teacher).get(reverse("approvals:mine")))
    assert "Mes demandes" in body and "Demander un nouveau compte" in body and "En attente de décision" in body
    assert "My requests" not in body and "Request a new account" not in body


def test_request_form_in_french(client_for, teacher):
    _in_french(teacher)
    body = _page(client_for(teacher).get(reverse("approvals:create")))
    assert "Énoncés à reconnaître" in body and "Soumettre pour approbation" in body and "Nom du site" in body
    assert "Statements to acknowledge" not in body and "Submit for approval" not in body and "Site name" not in body


def test_form_errors_in_french(client_for, teacher, post_data):
    _in_french(teacher)
    del post_data["ack_no_privacy"]
    post_data["description"] = ""
    body = _page(client_for(teacher).post(reverse("approvals:create"), {**post_data, "action": "submit"}))
    assert "La demande n’a pas été soumise" in body
    assert "Décrivez à quoi sert le site" in body and "1 énoncé encore à cocher" in body
    assert "Describe what the site is for" not in body


def test_queue_and_decision_pages_in_french(client_for, principal, submitted):
    _in_french(principal)
    client = client_for(principal)
    queue = _page(client.get(reverse("approvals:queue")))
    assert "Décisions" in queue and "En attente de ma décision" in queue
    assert "Waiting for my decision" not in queue
    decide = _page(client.get(reverse("approvals:decide", args=[submitted.pk])))
    assert "Consignez votre décision" in decide and "Énoncés reconnus" in decide and "Chronologie" in decide
    assert "Record your decision" not in decide and "Acknowledged statements" not in decide


def test_decision_message_in_french(client_for, principal, submitted):
    _in_french(principal)
    response = client_for(principal).post(
        reverse("approvals:decide", args=[submitted.pk]), {"decision": "approve", "comment": ""}
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith("Vous avez approuvé «\u00a0") for m in messages), messages


def test_request_detail_in_french(client_for, teacher, principal):
    _in_french(teacher)
    approved = AccountRequestFactory(requester=teacher, org_unit=principal.memberships.first().org_unit, approved=True)
    body = _page(client_for(teacher).get(reverse("approvals:detail", args=[approved.pk])))
    assert "Approuvée par" in body and "Prochaine étape" in body and "La demande" in body
    assert "Approved by" not in body and "Next step" not in body and "The request" not in body


def test_a_refusal_is_written_in_the_clickers_language(teacher, principal, submitted):
    from django.utils import translation

    services.approve_request(account_request=submitted, user=principal)
    with translation.override(FR), pytest.raises(services.WorkflowError) as refused:
        services.approve_request(account_request=submitted, user=principal)
    assert str(refused.value).startswith("Vous ne pouvez pas approuver «\u00a0")
    assert "elle a déjà été approuvée par" in str(refused.value)
