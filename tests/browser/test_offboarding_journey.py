"""The offboarding journey (issue 15, §1.4.5): a teacher leaves (a district admin deactivates her through the
directory service), the principal opens the offboarding case from her notifications, picks a new owner for
each account from the school's staff, records a new password for each account the teacher could reveal, and
the case closes itself; the registry shows the new owner. Axe scans the case page on the way."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from directory.services.provisioning import offboard_user
from offboarding.models import OffboardingCase
from registry.models import RegistryEntry

ACCOUNTS = {"room12": "Room 12 class news", "choir": "Ridgeview choir"}


@pytest.fixture
def scene(transactional_db, make_entry, teacher, colleague, principal, school_a, district_admin):
    entries = {}
    for handle, name in ACCOUNTS.items():
        entry = make_entry(teacher, school_a, handle=handle, name=name, password="Known-To-Tara-1")
        entry.co_admins.add(principal)  # the backup administrator (§1.4.5); the principal stays
        entries[handle] = entry
    # The teacher leaves: the district admin deactivates her (as a full staff import does).
    offboard_user(actor=district_admin, user=teacher, reason="Moved to another district.")
    return entries


def test_the_principal_hands_over_every_account_of_a_teacher_who_left_and_the_case_closes_1_4_5(
    page, live_server, login, axe_violations, scene, teacher, colleague, principal
):
    case = OffboardingCase.objects.get(person=teacher)
    assert case.is_open and case.items.count() == 4  # a new owner and a new password for each account

    # 1. The principal signs in and opens the case from her notifications (one message for the departure).
    login(page, principal)
    page.get_by_role("link", name=re.compile("Notifications")).click()
    page.get_by_role("button", name=re.compile("Open.*Tara Teacher left Ridgeview Elementary")).click()
    expect(page.get_by_role("heading", name="Tara Teacher leaving Ridgeview Elementary")).to_be_visible()
    expect(page.get_by_text("0 of 4 done")).to_be_visible()
    assert axe_violations(page) == []

    for handle, name in ACCOUNTS.items():
        row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=name, exact=True))
        # 2. A new owner from the school's staff; the transfer page returns to the case.
        row.filter(has_text="Needs a new owner").get_by_role("link", name="Choose a new owner").click()
        page.get_by_label("New owner").select_option(label=colleague.display_name)
        page.get_by_role("button", name="Transfer").click()
        expect(page.get_by_text(f"now owns @{handle}")).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("leaving Ridgeview Elementary"))).to_be_visible()
        # 3. The new password, changed on the platform first, recorded here; back to the case again.
        row.filter(has_text="Needs a new password").get_by_role("link", name="Record a new password").click()
        page.get_by_label("New password").fill(f"New-{handle}-Pass-2026")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Password recorded (encrypted).")).to_be_visible()

    # 4. The last item closed the case by itself.
    expect(page.get_by_text(re.compile(r"closed \d{4}-\d{2}-\d{2}"))).to_be_visible()
    assert not OffboardingCase.objects.get(pk=case.pk).is_open
    page.goto(live_server.url + reverse("offboarding:list"))
    expect(page.get_by_text("Tara Teacher")).to_have_count(0)

    # 5. The registry shows the new owner, and nothing left to do on either account.
    page.goto(live_server.url + reverse("registry:list"))
    for handle in ACCOUNTS:
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"@{handle}"))
        expect(row).to_contain_text(colleague.short_name)
    for entry in RegistryEntry.objects.all():
        assert (entry.owner, entry.needs_new_owner, entry.needs_password_rotation) == (colleague, False, False)
