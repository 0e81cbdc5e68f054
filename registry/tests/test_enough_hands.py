"""Enough hands on every account (issue 15, §1.4.5): the owner and MIN_ACCOUNT_ADMINS - 1 co-admins at least,
so that one person leaving strands no account."""

import pytest
from django.urls import reverse

from oversight.reports import CLAUSES, unit_compliance
from registry import selectors
from registry.models import RegistryEntry

from .test_register import form_data

pytestmark = pytest.mark.django_db


def test_registration_without_a_backup_co_admin_is_refused_with_a_form_error_1_4_5(
    approved_request, teacher, client_for
):
    response = client_for(teacher).post(reverse("registry:register", args=[approved_request.pk]), form_data())
    assert response.status_code == 200
    (error,) = response.context["form"].errors["co_admins"]
    assert error.startswith("Name at least 1 co-administrator as a backup") and "needs 2 people" in error
    # Nothing typed is lost (the password field aside, as for every password input).
    assert response.context["form"].data["handle"] == "room12news"
    assert not RegistryEntry.objects.exists()


def test_registration_with_a_backup_co_admin_is_accepted_1_4_5(approved_request, teacher, colleague, client_for):
    url = reverse("registry:register", args=[approved_request.pk])
    assert client_for(teacher).post(url, form_data(co_admins=[colleague.pk])).status_code == 302
    assert list(RegistryEntry.objects.get().co_admins.all()) == [colleague]


def test_a_district_that_sets_one_admin_registers_the_owner_alone(approved_request, teacher, client_for, settings):
    settings.MIN_ACCOUNT_ADMINS = 1
    url = reverse("registry:register", args=[approved_request.pk])
    assert client_for(teacher).post(url, form_data()).status_code == 302


def test_the_registry_flags_single_admin_accounts_in_a_list_filter_1_4_5(
    make_entry, teacher, colleague, school_a, principal, client_for
):
    alone = make_entry(teacher, school_a, handle="alone_acct")
    backed = make_entry(teacher, school_a, handle="backed_acct")
    backed.co_admins.add(colleague)
    assert list(selectors.short_of_admins()) == [alone]
    html = client_for(principal).get(reverse("registry:list"), {"flag": "short_of_admins"}).content.decode()
    assert "alone_acct" in html and "backed_acct" not in html


def test_the_compliance_report_counts_a_single_admin_account_against_1_4_5(make_entry, teacher, school_a):
    make_entry(teacher, school_a, handle="alone_acct", password="s3cret-pw")
    (row,) = unit_compliance(school_a)
    verdict = dict(zip([code for code, _ in CLAUSES], row["verdicts"], strict=True))["1.4.5"]
    assert not verdict.ok and "1 of 2 administrators" in verdict.note


# --- One rule, every way in: the CSV import too (§1.4.5) ------------------------------------------------

IMPORT_HEADER = "unit,platform,handle,owner_email,co_admin_emails,login_username,login_email"


def import_text(*rows):
    return "\n".join([IMPORT_HEADER, *rows]) + "\n"


def test_an_imported_account_without_a_backup_co_admin_is_refused_with_registrations_message_1_4_5(
    platform, principal, teacher, colleague
):
    from registry import services

    text = import_text("ridgeview,Instagram,alone_acct,teacher@sd.example,,alone,alone@sd.example")
    preview = services.import_registry_csv(actor=principal, csv_text=text, dry_run=True)
    (row,) = preview.rows
    assert row.errors == [
        "Name at least 1 co-administrator as a backup: "
        "every account needs 2 people with administrative access (§1.4.5)."
    ]
    assert row.errors[0] == services.enough_hands_problem(row.new)  # the very rule registration asks
    with pytest.raises(services.RegistryError, match="Nothing was imported"):
        services.import_registry_csv(actor=principal, csv_text=text, dry_run=False)
    assert not RegistryEntry.objects.exists()


def test_an_imported_account_with_a_backup_co_admin_enters_the_registry_1_4_5(platform, principal, teacher, colleague):
    from registry import services

    text = import_text("ridgeview,Instagram,backed_acct,teacher@sd.example,colleague@sd.example,b,b@sd.example")
    (entry,) = services.import_registry_csv(actor=principal, csv_text=text, dry_run=False).created
    assert list(entry.co_admins.all()) == [colleague]
    assert not selectors.short_of_admins().exists()


def test_the_import_follows_the_districts_setting_like_registration(platform, principal, teacher, settings):
    from registry import services

    settings.MIN_ACCOUNT_ADMINS = 3
    text = import_text("ridgeview,Instagram,two_acct,teacher@sd.example,principal@sd.example,t,t@sd.example")
    (row,) = services.import_registry_csv(actor=principal, csv_text=text, dry_run=True).rows
    assert "Name at least 2 co-administrators" in row.errors[0] and "needs 3 people" in row.errors[0]
    settings.MIN_ACCOUNT_ADMINS = 1
    text = import_text("ridgeview,Instagram,one_acct,teacher@sd.example,,o,o@sd.example")
    assert services.import_registry_csv(actor=principal, csv_text=text, dry_run=True).ok
