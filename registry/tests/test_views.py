"""Who sees what: the registry list (§1.4.5 at a glance), my accounts, account pages, home blocks, the admin."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from registry import selectors, services
from registry.models import RegistryEntry

from .scenes import PASSWORD

LIST = reverse("registry:list")


def handles(response):
    return [e.handle for e in response.context["page"].object_list]


# --- the registry list ------------------------------------------------------------------------------------------


def test_the_principal_sees_the_schools_list_with_owner_co_admins_username_and_review(
    entry, entry_b, principal, client_for
):
    response = client_for(principal).get(LIST)
    assert handles(response) == [entry.handle]
    html = response.content.decode()
    for shown in (entry.owner.short_name, "Cole League", entry.login_username, entry.url, str(entry.platform)):
        assert shown in html
    assert PASSWORD not in html


def test_a_district_admin_sees_every_unit(entry, entry_b, district_admin, client_for):
    assert sorted(handles(client_for(district_admin).get(LIST))) == sorted([entry.handle, entry_b.handle])


def test_the_communications_manager_reads_public_active_accounts_without_logins(entry, public_entry, comms, client_for):
    response = client_for(comms).get(LIST)
    assert handles(response) == [public_entry.handle]
    assert public_entry.login_username not in response.content.decode()


@pytest.mark.parametrize("who", ["teacher", "colleague", "teacher_b"])
def test_employees_get_403_on_the_registry_list(entry, who, request, client_for):
    assert client_for(request.getfixturevalue(who)).get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and "/auth/login/" in response["Location"]


def test_the_list_filters_by_search_platform_status_comments_and_overdue_review(
    entry, public_entry, principal, client_for, make_request, teacher, school_a, other_platform
):
    from .scenes import register

    video = register(
        make_request(teacher, school_a, platform=other_platform, title="Videos"),
        handle="ridgeview_videos",
        url="",
        comment_setting="moderated",
    )
    client = client_for(principal)
    assert handles(client.get(LIST, {"q": "videos"})) == [video.handle]
    assert handles(client.get(LIST, {"platform": other_platform.pk})) == [video.handle]
    assert handles(client.get(LIST, {"comment_setting": "moderated"})) == [video.handle]
    RegistryEntry.objects.filter(pk=entry.pk).update(next_review_due=timezone.localdate() - datetime.timedelta(days=3))
    assert handles(client.get(LIST, {"flag": "overdue"})) == [entry.handle]
    services.disable_account(actor=principal, entry=public_entry, reason="Paused")
    assert handles(client.get(LIST, {"status": "disabled"})) == [public_entry.handle]


def test_removed_accounts_leave_the_default_list_but_stay_findable_as_history(entry, principal, client_for):
    services.remove_account(actor=principal, entry=entry, reason="Closed")
    client = client_for(principal)
    assert handles(client.get(LIST)) == []
    assert handles(client.get(LIST, {"status": "removed"})) == [entry.handle]
    assert handles(client.get(LIST, {"status": "all"})) == [entry.handle]


def test_an_empty_registry_explains_itself(principal, client_for):
    assert "No accounts are registered yet" in client_for(principal).get(LIST).content.decode()


def test_the_list_is_paginated(principal, client_for, make_request, teacher, school_a):
    from .scenes import register

    for i in range(27):
        register(make_request(teacher, school_a, title=f"Page {i}"), handle=f"h{i:02d}", url="")
    client = client_for(principal)
    assert len(handles(client.get(LIST))) == 25
    assert len(handles(client.get(LIST, {"page": 2}))) == 2


def test_the_next_page_link_and_the_export_link_keep_the_filters(
    principal, client_for, make_request, teacher, school_a
):
    from .scenes import register

    for i in range(27):
        register(make_request(teacher, school_a, title=f"Page {i}"), handle=f"h{i:02d}", url="")
    html = client_for(principal).get(LIST, {"q": "h", "comment_setting": "off"}).content.decode()
    assert 'href="?q=h&amp;comment_setting=off&amp;page=2"' in html
    assert f'href="{reverse("registry:export")}?q=h&amp;comment_setting=off"' in html


def test_a_huge_account_id_in_the_path_is_a_plain_404(principal, client_for):
    assert client_for(principal).get(f"/registry/{2**70}/").status_code == 404


# --- account pages ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("teacher", 200),
        ("colleague", 200),
        ("principal", 200),
        ("district_admin", 200),
        ("teacher_b", 404),
        ("principal_b", 404),
        ("comms", 404),
    ],
)
def test_the_account_page_is_visible_only_to_its_people(entry, who, status, request, client_for):
    response = client_for(request.getfixturevalue(who)).get(reverse("registry:detail", args=[entry.pk]))
    assert response.status_code == status


def test_a_staff_member_of_the_same_school_who_is_not_a_co_admin_gets_404(entry, teacher, colleague, client_for):
    services.remove_co_admin(actor=teacher, entry=entry, user=colleague)
    assert client_for(colleague).get(reverse("registry:detail", args=[entry.pk])).status_code == 404


def test_comms_reads_a_public_account_page_without_logins_history_or_actions(public_entry, comms, client_for):
    response = client_for(comms).get(reverse("registry:detail", args=[public_entry.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert public_entry.login_username not in html and "Show login details" not in html and "History" not in html


def test_the_account_page_shows_its_history_from_the_audit_trail(entry, principal, teacher, client_for):
    services.leave_feedback(actor=principal, entry=entry, reason="Add the school link.")
    html = client_for(teacher).get(reverse("registry:detail", args=[entry.pk])).content.decode()
    assert "Account registered" in html and "Feedback given" in html
    assert "Add the school link." in html  # the reason, as a detail of the event


def test_my_accounts_lists_owned_and_co_administered_accounts(entry, entry_b, colleague, teacher, client_for):
    response = client_for(colleague).get(reverse("registry:mine"))
    assert [e.pk for e in response.context["current"]] == [entry.pk]
    assert "Co-administrator" in response.content.decode()


def test_my_accounts_offers_to_register_approved_requests(approved_request, teacher, client_for):
    html = client_for(teacher).get(reverse("registry:mine")).content.decode()
    assert reverse("registry:register", args=[approved_request.pk]) in html


# --- home blocks -----------------------------------------------------------------------------------------------


def test_the_employee_home_block_shows_accounts_and_what_is_due(entry, teacher, make_request, school_a):
    RegistryEntry.objects.filter(pk=entry.pk).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1), needs_password_rotation=True
    )
    waiting = make_request(teacher, school_a, title="Garden club blog")
    html = render_to_string("includes/home_employee_accounts.html", {"user": teacher})
    assert str(entry) in html and "Review overdue" in html and "Record a new password" in html
    assert "Garden club blog" in html and reverse("registry:register", args=[waiting.pk]) in html


def test_the_employee_home_block_has_a_helpful_empty_state(teacher):
    assert "No registered accounts yet" in render_to_string("includes/home_employee_accounts.html", {"user": teacher})


def test_the_approver_cards_link_to_the_filtered_registry_when_they_count_something(principal, entry):
    RegistryEntry.objects.filter(pk=entry.pk).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1), needs_password_rotation=True
    )
    html = render_to_string("includes/home_approver_stats.html", {"user": principal})
    assert LIST + "?flag=overdue" in html and LIST + "?flag=rotation" in html
    # A zero is not worth a click (issue 14): those tiles are plain text.
    assert LIST + "?flag=new_owner" not in html and LIST + "?status=disabled" not in html
    assert html.count('class="card card-stat') == 4


def test_selectors_scope_entries_for_every_role(entry, entry_b, public_entry, teacher, principal, comms, teacher_b):
    assert set(selectors.entries_visible_to(teacher)) == {entry, public_entry}
    assert set(selectors.entries_visible_to(principal)) == {entry, public_entry}
    assert set(selectors.entries_visible_to(teacher_b)) == {entry_b}
    assert set(selectors.entries_visible_to(comms)) == {public_entry}


# --- the admin -------------------------------------------------------------------------------------------------


def test_the_admin_lists_entries_read_only_without_the_password(entry, district_admin, client_for):
    client = client_for(district_admin)
    changelist = client.get(reverse("admin:registry_registryentry_changelist"), {"q": "room12"})
    assert changelist.status_code == 200 and entry.handle in changelist.content.decode()
    page = client.get(reverse("admin:registry_registryentry_change", args=[entry.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and PASSWORD not in html
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM registry_registryentry WHERE id = %s", [entry.pk])
        assert cursor.fetchone()[0] not in html  # not even the ciphertext
    assert client.post(reverse("admin:registry_registryentry_delete", args=[entry.pk])).status_code == 403


def test_platforms_are_managed_in_the_admin_1_4_7(district_admin, client_for, platform):
    client = client_for(district_admin)
    assert client.get(reverse("admin:catalogue_platform_change", args=[platform.pk])).status_code == 200
    response = client.post(
        reverse("admin:catalogue_platform_add"),
        {"name": "Edublogs", "is_approved": "on", "rules_url": "https://edublogs.org/terms/", "notes": ""},
    )
    assert response.status_code == 302


# --- hostile ids -----------------------------------------------------------------------------------------------

HUGE = "99999999999999999999999999"


def test_ids_beyond_64_bits_answer_404_or_a_form_error_never_500(entry, principal, teacher, client_for):
    client = client_for(principal)
    assert client.get(f"/registry/{HUGE}/").status_code == 404
    assert client.get(f"/registry/requests/{HUGE}/register/").status_code == 404
    assert client.get(LIST, {"platform": HUGE, "org_unit": HUGE}).status_code == 200
    response = client.post(reverse("registry:transfer", args=[entry.pk]), {"new_owner": HUGE})
    assert response.status_code == 200 and response.context["form"].errors
    client = client_for(teacher)
    response = client.post(reverse("registry:co_admins", args=[entry.pk]), {"remove": HUGE}, follow=True)
    assert "not a co-administrator" in response.content.decode()
    response = client.post(reverse("registry:co_admins", args=[entry.pk]), {"user": HUGE}, follow=True)
    assert "Choose a staff member" in response.content.decode()


def test_the_unit_filter_takes_a_name_or_code_and_lists_no_school_by_school(
    entry, entry_b, district_admin, client_for, school_a, school_b
):
    client = client_for(district_admin)
    assert handles(client.get(LIST, {"org_unit": school_a.code})) == [entry.handle]
    assert handles(client.get(LIST, {"org_unit": "lakeside sec"})) == [entry_b.handle]
    response = client.get(LIST, {"org_unit": "nowhere"})
    assert response.context["filter"].errors["org_unit"] and handles(response) == []
    assert '<select name="org_unit"' not in client.get(LIST).content.decode()


def test_the_search_finds_an_account_by_its_owners_name_or_its_own_columns(entry, principal, client_for):
    client = client_for(principal)
    owner = entry.owner
    assert handles(client.get(LIST, {"q": owner.last_name[:4]})) == [entry.handle]
    assert handles(client.get(LIST, {"q": owner.email.split("@")[0]})) == [entry.handle]
    assert handles(client.get(LIST, {"q": entry.login_username})) == [entry.handle]
    assert handles(client.get(LIST, {"q": "no-such-account-anywhere"})) == []
