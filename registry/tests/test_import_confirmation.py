"""Import = registration, §1.4.6 included: nobody approves their own account. An imported account that names
its importer as owner or co-admin waits, pending, for another approver of the unit or a district admin; until
then it cannot be revealed or counted as an approved account."""

import pytest
from django.urls import reverse

from accounts.factories import MembershipFactory, UserFactory
from accounts.models import Membership
from audit.models import AuditEvent
from notifications.models import Notification
from oversight.reports import district_figures
from registry import selectors, services
from registry.models import RegistryEntry
from registry.services import RegistryError

from .scenes import fresh_records

pytestmark = pytest.mark.django_db

HEADER = "unit,platform,handle,owner_email,co_admin_emails,login_username,login_email,password,privacy,comment_setting"


def import_rows(actor, *rows, dry_run=False):
    text = "\n".join([HEADER, *rows]) + "\n"
    return services.import_registry_csv(actor=actor, csv_text=text, dry_run=dry_run, source="old.csv")


@pytest.fixture(autouse=True)
def _backup(colleague):
    """Cole, the backup co-admin every imported row names (§1.4.5, enough hands: tested in test_enough_hands)."""


def own_row(owner="principal@sd.example", co_admins="colleague@sd.example", handle="principal_news"):
    return f"ridgeview,Instagram,{handle},{owner},{co_admins},plogin,principal@sd.example,Old-Pass-9,public,off"


@pytest.fixture
def vice(school_a):
    """A second approver of school A."""
    user = UserFactory(email="vice@sd.example", first_name="Vera", last_name="Vice")
    MembershipFactory(user=user, org_unit=school_a, role=Membership.Role.APPROVER)
    return user


@pytest.fixture
def own_import(platform, principal, vice):
    (entry,) = import_rows(principal, own_row()).created
    return entry


def test_an_approver_importing_an_account_they_own_waits_for_a_second_approver_1_4_6(
    platform, principal, vice, enroll_mfa
):
    (entry,) = import_rows(principal, own_row()).created
    assert entry.status == RegistryEntry.Status.PENDING and entry.registered_by == principal
    event = AuditEvent.objects.for_object(entry).get(action="registry.imported")
    assert event.details["awaiting_confirmation"] is True
    # Not revealable, even by its owner with a fresh second factor.
    enroll_mfa(principal)
    with pytest.raises(RegistryError, match="cannot see the login details"):
        services.reveal_credentials(actor=principal, entry=entry, authentication_records=fresh_records(principal))
    # Not counted as an approved (active) account, not found by the public check.
    (figures,) = [f for f in district_figures([entry.org_unit]) if f.unit == entry.org_unit]
    assert figures.active == 0
    assert not selectors.official_accounts_matching("principal_news").exists()
    # The second approver is asked; the importer is not asked to confirm their own.
    notice = Notification.objects.get(recipient=vice, kind="registry.import_to_confirm")
    assert notice.subject == f"Confirm an imported account: {entry}"
    assert not Notification.objects.filter(recipient=principal, kind="registry.import_to_confirm").exists()


def test_an_import_naming_the_importer_as_co_admin_waits_too_1_4_6(platform, principal, teacher, vice):
    (entry,) = import_rows(principal, own_row(owner="teacher@sd.example", co_admins="principal@sd.example")).created
    assert entry.status == RegistryEntry.Status.PENDING
    notice = Notification.objects.get(recipient=teacher, kind="registry.imported")
    assert "becomes active once another principal or supervisor" in notice.body


def test_an_import_for_other_staff_only_is_active_at_once(platform, principal, teacher, vice):
    (entry,) = import_rows(principal, own_row(owner="teacher@sd.example")).created
    assert entry.status == RegistryEntry.Status.ACTIVE
    assert not Notification.objects.filter(kind="registry.import_to_confirm").exists()


def test_the_preview_says_which_rows_will_wait_1_4_6(platform, principal, teacher, vice):
    preview = import_rows(principal, own_row(), own_row(owner="teacher@sd.example", handle="tara"), dry_run=True)
    assert [row.needs_confirmation for row in preview.rows] == [True, False]
    assert preview.to_confirm_count == 1 and not RegistryEntry.objects.exists()


@pytest.mark.parametrize("who", ["principal", "principal_b", "teacher"])
def test_the_importer_the_owner_and_outsiders_cannot_confirm_1_4_6(own_import, who, request):
    with pytest.raises(RegistryError):
        services.confirm_import(actor=request.getfixturevalue(who), entry=own_import)
    assert RegistryEntry.objects.get(pk=own_import.pk).status == RegistryEntry.Status.PENDING


def test_a_second_approver_confirms_and_the_importer_is_told_1_4_6(own_import, principal, vice):
    services.confirm_import(actor=vice, entry=own_import)
    entry = RegistryEntry.objects.get(pk=own_import.pk)
    assert entry.status == RegistryEntry.Status.ACTIVE and entry.confirmed_by == vice and entry.confirmed_at
    assert AuditEvent.objects.for_object(entry).get(action="registry.import_confirmed").actor == vice
    assert Notification.objects.filter(recipient=principal, kind="registry.import_confirmed").count() == 1
    assert selectors.can_reveal(principal, entry)
    with pytest.raises(RegistryError, match="not waiting"):
        services.confirm_import(actor=vice, entry=entry)


def test_without_a_second_approver_a_district_admin_is_asked_and_confirms_1_4_6(platform, principal, district_admin):
    (entry,) = import_rows(principal, own_row()).created
    assert Notification.objects.filter(recipient=district_admin, kind="registry.import_to_confirm").exists()
    services.confirm_import(actor=district_admin, entry=entry)
    assert RegistryEntry.objects.get(pk=entry.pk).status == RegistryEntry.Status.ACTIVE


def test_refusing_needs_a_reason_and_leaves_the_entry_as_history_1_4_6(own_import, principal, vice):
    with pytest.raises(RegistryError, match="Give a reason"):
        services.refuse_import(actor=vice, entry=own_import, reason=" ")
    services.refuse_import(actor=vice, entry=own_import, reason="This is the principal's personal page.")
    entry = RegistryEntry.objects.get(pk=own_import.pk)
    assert entry.status == RegistryEntry.Status.REMOVED
    event = AuditEvent.objects.for_object(entry).get(action="registry.import_refused")
    assert event.details["reason"] == "This is the principal's personal page."
    notice = Notification.objects.get(recipient=principal, kind="registry.import_refused")
    assert notice.body.endswith("Reason: This is the principal's personal page.")
    assert not services.handle_taken("principal_news", entry.platform_id)  # free for a proper registration


def test_a_pending_account_offers_nothing_but_confirmation_1_4_6(own_import, principal, vice):
    for predicate in (
        selectors.can_edit_credentials,
        selectors.can_manage,
        selectors.can_manage_co_admins,
        selectors.can_transfer,
        selectors.can_review,
    ):
        assert not predicate(principal, own_import) and not predicate(vice, own_import), predicate.__name__
    assert selectors.can_confirm_import(vice, own_import)


# --- the pages ------------------------------------------------------------------------------------------------


def test_the_second_approver_confirms_from_the_account_page_1_4_6(own_import, vice, client_for):
    client = client_for(vice)
    page = client.get(reverse("registry:detail", args=[own_import.pk])).content.decode()
    assert reverse("registry:confirm_import", args=[own_import.pk]) in page and "Confirm the account" in page
    response = client.post(
        reverse("registry:confirm_import", args=[own_import.pk]), {"decision": "confirm"}, follow=True
    )
    assert "is confirmed and active" in response.content.decode()
    assert RegistryEntry.objects.get(pk=own_import.pk).status == RegistryEntry.Status.ACTIVE


def test_a_refusal_without_a_reason_is_refused_with_a_message(own_import, vice, client_for):
    response = client_for(vice).post(
        reverse("registry:confirm_import", args=[own_import.pk]), {"decision": "refuse"}, follow=True
    )
    assert "Give a reason" in response.content.decode()
    assert RegistryEntry.objects.get(pk=own_import.pk).status == RegistryEntry.Status.PENDING


def test_the_importer_gets_403_and_sees_no_confirm_button_1_4_6(own_import, principal, client_for):
    client = client_for(principal)
    page = client.get(reverse("registry:detail", args=[own_import.pk])).content.decode()
    assert "another principal or supervisor of the unit" in page and "Confirm the account" not in page
    response = client.post(reverse("registry:confirm_import", args=[own_import.pk]), {"decision": "confirm"})
    assert response.status_code == 403


def test_imports_to_confirm_are_listed_on_the_second_approvers_home_and_registry_1_4_6(
    own_import, vice, principal, client_for
):
    client = client_for(vice)
    home = client.get(reverse("home")).content.decode()
    assert 'id="to-confirm-count">1<' in home and "?flag=to_confirm" in home
    listed = client.get(reverse("registry:list"), {"flag": "to_confirm"}).content.decode()
    assert own_import.handle in listed and "Awaiting confirmation" in listed
    assert selectors.approver_stats(principal)["to_confirm"] == 0  # not theirs to confirm


def test_the_import_page_says_how_many_accounts_wait(platform, principal, vice, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(principal)
    text = "\n".join([HEADER, own_row()]) + "\n"
    preview = client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("old.csv", text.encode(), content_type="text/csv")},
    )
    assert "will wait for another approver" in preview.content.decode()
    payload = preview.context["confirm_form"].initial["payload"]
    done = client.post(reverse("registry:import"), {"payload": payload}, follow=True)
    assert "waits for another principal or supervisor" in done.content.decode()
