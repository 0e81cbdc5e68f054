"""Every field rule of the request form (AP 1311 §1.1.1, §1.2.1–§1.2.4, §1.3.4, §1.4.3, §1.4.4, §1.4.7)."""

import pytest

from accounts.factories import MembershipFactory, OrgUnitFactory
from approvals.acknowledgements import active_statements
from approvals.forms import AccountRequestForm, DecisionForm, initial_values

from .conftest import ALL_CODES

SUBMIT = AccountRequestForm.SUBMIT
DRAFT = AccountRequestForm.DRAFT


def form_for(user, data, intent=SUBMIT, **kwargs):
    return AccountRequestForm(data, user=user, intent=intent, **kwargs)


def test_complete_request_passes_every_rule_for_submission(teacher, post_data):
    form = form_for(teacher, post_data)
    assert form.is_valid(), form.errors
    assert sorted(form.acknowledged()) == sorted(ALL_CODES)
    assert form.values()["school_based"] is True


def test_a_draft_may_leave_every_text_but_the_name_empty(teacher, school_a, platform):
    # The three choices always have a selected option on the page (school-based, private, comments off).
    data = {"org_unit": school_a.pk, "platform": platform.pk, "title": "Garden club"}
    data.update(school_based="True", network="private", comment_setting="off")
    form = form_for(teacher, data, DRAFT)
    assert form.is_valid(), form.errors
    assert "description" in form_for(teacher, data, SUBMIT).errors


def test_a_draft_without_a_name_is_refused(teacher, school_a, platform):
    form = form_for(teacher, {"org_unit": school_a.pk, "platform": platform.pk}, DRAFT)
    assert "title" in form.errors


@pytest.mark.parametrize("address", ["tara@gmail.com", "tara@outlook.com", "tara@sd.example.com", "no-at-sign"])
def test_personal_or_foreign_account_email_is_refused_even_in_a_draft_1_1_1(teacher, post_data, address):
    post_data["account_email"] = address
    for intent in (DRAFT, SUBMIT):
        form = form_for(teacher, post_data, intent)
        assert not form.is_valid()
        assert "account_email" in form.errors


def test_personal_email_error_names_the_clause_1_1_1(teacher, post_data):
    post_data["account_email"] = "tara@gmail.com"
    form = form_for(teacher, post_data)
    form.is_valid()
    assert "§1.1.1" in form.errors["account_email"][0]


def test_any_configured_district_domain_is_accepted_1_1_1(teacher, post_data):
    post_data["account_email"] = "room12@district.example"
    assert form_for(teacher, post_data).is_valid()


def test_account_email_is_needed_to_submit_1_1_1(teacher, post_data):
    post_data["account_email"] = ""
    assert form_for(teacher, post_data, DRAFT).is_valid()
    form = form_for(teacher, post_data)
    assert not form.is_valid() and "account_email" in form.errors


def test_only_units_the_user_works_in_are_offered(teacher, school_a, school_b):
    form = AccountRequestForm(user=teacher)
    assert list(form.fields["org_unit"].queryset) == [school_a]


def test_a_unit_the_user_is_not_in_is_refused(teacher, school_b, post_data):
    post_data["org_unit"] = school_b.pk
    form = form_for(teacher, post_data, DRAFT)
    assert not form.is_valid()
    assert "you work in" in form.errors["org_unit"][0]


def test_an_approver_only_membership_does_not_allow_requests(principal_b, school_b, post_data):
    post_data["org_unit"] = school_b.pk
    form = form_for(principal_b, post_data, DRAFT)
    assert "org_unit" in form.errors


def test_unapproved_platform_is_not_offered_1_4_7(teacher, platform, tiktok):
    form = AccountRequestForm(user=teacher)
    assert tiktok not in form.fields["platform"].queryset
    assert platform in form.fields["platform"].queryset


def test_unapproved_platform_cannot_be_chosen_1_4_7(teacher, tiktok, post_data):
    post_data["platform"] = tiktok.pk
    form = form_for(teacher, post_data, DRAFT)
    assert not form.is_valid()
    assert "§1.4.7" in form.errors["platform"][0]


def test_school_based_site_needs_a_purpose_1_2_1(teacher, post_data):
    post_data["purpose"] = ""
    form = form_for(teacher, post_data)
    assert not form.is_valid()
    assert "§1.2.1" in form.errors["purpose"][0]


def test_school_based_purpose_must_be_one_of_the_three_matters_1_2_1(teacher, post_data):
    post_data["purpose"] = "marketing"
    assert "purpose" in form_for(teacher, post_data, DRAFT).errors


def test_site_that_is_not_school_based_needs_mission_alignment_1_2_2(teacher, post_data):
    post_data.update(school_based="False", purpose="")
    form = form_for(teacher, post_data)
    assert not form.is_valid()
    assert "§1.2.2" in form.errors["mission_alignment"][0]
    post_data["mission_alignment"] = "Shares district professional-development resources with staff."
    assert form_for(teacher, post_data).is_valid()


def test_public_network_without_justification_is_refused_1_4_4(teacher, post_data):
    post_data["network"] = "public"
    form = form_for(teacher, post_data)
    assert not form.is_valid()
    assert "§1.4.4" in form.errors["public_justification"][0]


def test_public_network_with_an_educational_need_is_accepted_1_4_4(teacher, post_data):
    post_data.update(network="public", public_justification="The school choir shares concerts with the community.")
    assert form_for(teacher, post_data).is_valid()


def test_intended_audience_is_needed_to_submit_1_4_4(teacher, post_data):
    post_data["intended_audience"] = "   "
    assert "intended_audience" in form_for(teacher, post_data).errors


def test_comments_off_on_a_platform_that_cannot_turn_them_off_is_refused_1_4_3(teacher, facebook, post_data):
    post_data["platform"] = facebook.pk
    form = form_for(teacher, post_data)
    assert not form.is_valid()
    assert "cannot turn comments off" in form.errors["comment_setting"][0]
    post_data["comment_setting"] = "moderated"
    assert form_for(teacher, post_data).is_valid()


def test_comment_setting_help_names_platforms_without_comments_off_1_4_3(teacher, platform, facebook):
    help_text = AccountRequestForm(user=teacher).fields["comment_setting"].help_text
    assert "§1.4.3" in help_text and "Facebook" in help_text and "Instagram" not in help_text


def test_comment_setting_must_be_off_moderated_or_on_1_4_3(teacher, post_data):
    post_data["comment_setting"] = "unmonitored"
    assert "comment_setting" in form_for(teacher, post_data, DRAFT).errors


@pytest.mark.parametrize("url", ["not a link", "javascript:alert(1)", "ftp://files.sd.example/"])
def test_school_website_link_must_be_a_valid_web_address_1_2_4(teacher, post_data, url):
    post_data["school_website_url"] = url
    form = form_for(teacher, post_data, DRAFT)
    assert not form.is_valid()
    assert "school_website_url" in form.errors


def test_overlong_email_and_link_are_refused_before_they_reach_the_database(teacher, post_data):
    post_data["account_email"] = ".".join(["a" * 50] * 5) + "@sd.example"  # 265 characters
    post_data["school_website_url"] = "https://ridgeview.sd.example/" + "x" * 200
    form = form_for(teacher, post_data, DRAFT)
    assert {"account_email", "school_website_url"} <= set(form.errors)


def test_school_website_link_without_scheme_is_read_as_https_1_2_4(teacher, post_data):
    post_data["school_website_url"] = "ridgeview.sd.example"
    form = form_for(teacher, post_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["school_website_url"] == "https://ridgeview.sd.example"


@pytest.mark.parametrize("field", ["identification_text", "school_website_url"])
def test_identification_text_and_website_link_are_needed_to_submit_1_2_4(teacher, post_data, field):
    post_data[field] = ""
    assert form_for(teacher, post_data, DRAFT).is_valid()
    assert field in form_for(teacher, post_data).errors


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_statement_must_be_ticked_to_submit(teacher, post_data, code):
    del post_data[f"ack_{code}"]
    form = form_for(teacher, post_data)
    assert not form.is_valid()
    assert list(form.errors) == [f"ack_{code}"]


def test_a_draft_may_be_saved_with_statements_still_open(teacher, post_data):
    for code in ALL_CODES[3:]:
        del post_data[f"ack_{code}"]
    form = form_for(teacher, post_data, DRAFT)
    assert form.is_valid()
    assert form.acknowledged() == ALL_CODES[:3]


def test_statement_labels_show_their_clause_and_help_texts_name_clauses(teacher):
    form = AccountRequestForm(user=teacher)
    for statement in active_statements():
        field = form.fields[f"ack_{statement.code}"]
        assert statement.clause in field.label
        assert "§" in field.help_text


def test_saved_ticks_come_back_when_the_draft_is_edited(teacher, draft):
    form = AccountRequestForm(instance=draft, user=teacher)
    assert all(form.fields[f"ack_{code}"].initial for code in ALL_CODES)


def test_new_request_is_prefilled_from_the_only_unit_1_2_4(teacher, school_a):
    initial = initial_values(teacher)
    assert initial["org_unit"] == school_a.pk
    assert initial["school_website_url"] == school_a.website_url
    assert school_a.name in initial["identification_text"]
    assert initial["account_email"] == teacher.email


def test_new_request_is_not_prefilled_with_a_unit_when_the_user_works_in_several(teacher, school_a):
    MembershipFactory(user=teacher, org_unit=OrgUnitFactory())
    initial = initial_values(teacher)
    assert "org_unit" not in initial and "identification_text" not in initial


@pytest.mark.parametrize("decision", [DecisionForm.REJECT, DecisionForm.CHANGES])
def test_rejecting_or_asking_for_changes_needs_a_comment(decision):
    assert "comment" in DecisionForm({"decision": decision, "comment": "  "}).errors
    assert DecisionForm({"decision": decision, "comment": "Add the grade."}).is_valid()


def test_approving_needs_no_comment():
    assert DecisionForm({"decision": DecisionForm.APPROVE}).is_valid()
