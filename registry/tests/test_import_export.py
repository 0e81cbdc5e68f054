"""Importing an earlier list from CSV (preview, all or nothing) and exporting without secrets (§1.4.5)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from registry import services
from registry.models import RegistryEntry
from registry.services import RegistryError

from .scenes import PASSWORD

HEADER = (
    "unit,platform,handle,url,owner_email,co_admin_emails,login_username,login_email,password,privacy,comment_setting"
)


def csv_text(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


GOOD = csv_text(
    "ridgeview,Instagram,@ridgeview_art,https://instagram.com/ridgeview_art,teacher@sd.example,"
    "colleague@sd.example,ridgeview_art,art@sd.example,Imported-Pass-1,public,moderated",
    "Ridgeview Elementary,instagram,ridgeview_band,,colleague@sd.example,teacher@sd.example,ridgeband,band@sd.example,,"
    "private,off",
)


def test_the_preview_validates_every_row_and_saves_nothing(platform, principal, teacher, colleague):
    result = services.import_registry_csv(actor=principal, csv_text=GOOD, dry_run=True)
    assert result.ok and len(result.rows) == 2
    assert not RegistryEntry.objects.exists()


def test_confirming_a_good_file_creates_every_account_encrypted_and_audited(platform, principal, teacher, colleague):
    result = services.import_registry_csv(actor=principal, csv_text=GOOD, dry_run=False, source="old-list.csv")
    assert len(result.created) == 2
    art = RegistryEntry.objects.get(handle="ridgeview_art")
    assert art.owner == teacher and list(art.co_admins.all()) == [colleague]
    assert art.privacy == "public" and art.comment_setting == "moderated" and art.request is None
    assert art.password.reveal() == "Imported-Pass-1"
    assert AuditEvent.objects.filter(action="registry.imported").count() == 2
    assert "Imported-Pass-1" not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_bad_rows_are_reported_per_row_and_nothing_is_half_imported(platform, principal, teacher, colleague):
    text = GOOD + (
        "lakeside,Instagram,lakeside_x,,teacher.b@sd.example,,x,x@sd.example,,private,off\n"  # not their unit
        "ridgeview,Myspace,old_page,,teacher@sd.example,,x,x@sd.example,,private,off\n"  # unknown platform
        # §1.1.1 (a personal address), privacy and comments: three problems
        "ridgeview,Instagram,personal,,teacher@sd.example,colleague@sd.example,x,x@gmail.com,,sometimes,loud\n"
    )
    preview = services.import_registry_csv(actor=principal, csv_text=text, dry_run=True)
    assert not preview.ok
    by_line = {row.line: row.errors for row in preview.rows}
    assert by_line[2] == [] and by_line[3] == []
    assert any("not one whose registry you keep" in e for e in by_line[4])
    assert any("unknown" in e for e in by_line[5])
    assert len(by_line[6]) == 3  # personal address, privacy, comments
    with pytest.raises(RegistryError, match="Nothing was imported"):
        services.import_registry_csv(actor=principal, csv_text=text, dry_run=False)
    assert not RegistryEntry.objects.exists()


def test_duplicate_handles_in_the_file_or_the_registry_are_refused(platform, principal, teacher, entry):
    text = csv_text(
        "ridgeview,Instagram,new_one,,teacher@sd.example,,u,u@sd.example,,private,off",
        "ridgeview,Instagram,NEW_ONE,,teacher@sd.example,,u,u@sd.example,,private,off",
        f"ridgeview,Instagram,{entry.handle.upper()},,teacher@sd.example,,u,u@sd.example,,private,off",
    )
    preview = services.import_registry_csv(actor=principal, csv_text=text, dry_run=True)
    assert "appears twice" in " ".join(preview.rows[1].errors)
    assert "already in the registry" in " ".join(preview.rows[2].errors)


def problems_of_one_row(principal, row):
    preview = services.import_registry_csv(actor=principal, csv_text=csv_text(row), dry_run=True)
    assert len(preview.rows) == 1
    return " ".join(preview.rows[0].errors)


def test_an_import_row_with_comments_off_on_a_platform_that_cannot_turn_them_off_is_refused_1_4_3(
    platform, other_platform, principal, teacher
):
    row = "ridgeview,YouTube,ridgeview_tube,,teacher@sd.example,,tube,tube@sd.example,,private,off"
    assert "YouTube cannot turn comments off" in problems_of_one_row(principal, row)
    with pytest.raises(RegistryError, match="Nothing was imported"):
        services.import_registry_csv(actor=principal, csv_text=csv_text(row), dry_run=False)
    assert not RegistryEntry.objects.exists()


def test_an_import_naming_a_co_admin_from_another_school_is_refused_1_4_5(platform, principal, teacher, teacher_b):
    row = "ridgeview,Instagram,ridgeview_art,,teacher@sd.example,teacher.b@sd.example,art,art@sd.example,,private,off"
    assert "not staff of this unit and cannot be a co-admin" in problems_of_one_row(principal, row)
    with pytest.raises(RegistryError, match="Nothing was imported"):
        services.import_registry_csv(actor=principal, csv_text=csv_text(row), dry_run=False)
    assert not RegistryEntry.objects.exists()


def test_an_import_naming_a_co_admin_who_left_is_refused_1_4_5(platform, principal, teacher, colleague):
    colleague.is_active = False
    colleague.save()
    row = "ridgeview,Instagram,ridgeview_art,,teacher@sd.example,colleague@sd.example,art,art@sd.example,,private,off"
    assert "no longer has an active account" in problems_of_one_row(principal, row)


def test_an_import_for_an_owner_who_left_is_refused_1_4_5(platform, principal, teacher):
    teacher.is_active = False
    teacher.save()
    row = "ridgeview,Instagram,ridgeview_art,,teacher@sd.example,,art,art@sd.example,,private,off"
    assert "no longer has an active account" in problems_of_one_row(principal, row)


def test_an_import_on_a_platform_the_district_no_longer_approves_is_refused_1_4_7(platform, principal, teacher):
    platform.is_approved = False
    platform.save()
    row = "ridgeview,Instagram,ridgeview_art,,teacher@sd.example,,art,art@sd.example,,private,off"
    assert "not a district-approved platform (§1.4.7)" in problems_of_one_row(principal, row)


def test_an_import_row_and_a_registration_get_the_same_message_for_the_same_rule_1_4_3(
    make_request, principal, teacher, school_a, other_platform, platform
):
    from .scenes import register

    row = "ridgeview,YouTube,Room12News,,teacher@sd.example,,room12news,room12.social@sd.example,,private,off"
    with pytest.raises(RegistryError) as refused:
        register(make_request(teacher, school_a, platform=other_platform), comment_setting="off")
    assert str(refused.value) in problems_of_one_row(principal, row)


def test_a_file_without_the_required_columns_is_refused(principal):
    preview = services.import_registry_csv(actor=principal, csv_text="name,pw\nx,y\n", dry_run=True)
    assert not preview.ok and "Missing columns" in preview.errors[0]


def test_employees_cannot_import(teacher):
    with pytest.raises(RegistryError):
        services.import_registry_csv(actor=teacher, csv_text=GOOD, dry_run=True)


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("list.xlsx", b"PK\x03\x04", content_type="application/vnd.ms-excel"), ".csv file"),
        (SimpleUploadedFile("list.csv", b"%PDF-1.7", content_type="application/pdf"), "not a CSV"),
        (SimpleUploadedFile("list.csv", b"a,b\x00c", content_type="text/csv"), "not a CSV"),
        (SimpleUploadedFile("list.csv", b"a" * (1024 * 1024 + 1), content_type="text/csv"), "larger than 1 MB"),
        (SimpleUploadedFile("list.csv", "é".encode("latin-1"), content_type="text/csv"), "UTF-8"),
    ],
)
def test_wrong_file_types_and_huge_files_are_refused(upload, message):
    with pytest.raises(RegistryError, match=message):
        services.read_csv_upload(upload)


def test_the_import_page_previews_then_imports_on_confirmation(platform, principal, teacher, colleague, client_for):
    client = client_for(principal)
    url = reverse("registry:import")
    upload = SimpleUploadedFile("old-list.csv", GOOD.encode(), content_type="text/csv")
    preview = client.post(url, {"file": upload})
    html = preview.content.decode()
    assert preview.status_code == 200 and "ridgeview_art" in html
    assert "Imported-Pass-1" not in html  # the payload is encrypted, the preview shows "yes (hidden)"
    assert not RegistryEntry.objects.exists()
    payload = preview.context["confirm_form"].initial["payload"]
    response = client.post(url, {"payload": payload}, follow=True)
    assert "Imported 2 accounts" in response.content.decode()
    assert RegistryEntry.objects.count() == 2


def test_a_preview_cannot_be_confirmed_by_someone_else(platform, principal, district_admin, teacher, colleague, client):
    client.force_login(principal)
    upload = SimpleUploadedFile("old-list.csv", GOOD.encode(), content_type="text/csv")
    payload = client.post(reverse("registry:import"), {"file": upload}).context["confirm_form"].initial["payload"]
    client.force_login(district_admin)
    response = client.post(reverse("registry:import"), {"payload": payload}, follow=True)
    assert "belongs to someone else" in response.content.decode()
    assert not RegistryEntry.objects.exists()


def test_a_bad_file_shows_its_problems_and_offers_no_confirmation(platform, principal, client_for):
    upload = SimpleUploadedFile("old.csv", csv_text("ridgeview,Instagram,,,,,,,,,").encode(), content_type="text/csv")
    response = client_for(principal).post(reverse("registry:import"), {"file": upload})
    assert response.context["confirm_form"] is None
    assert "handle is empty" in response.content.decode()


def test_employees_get_403_on_the_import_page(teacher, client_for):
    assert client_for(teacher).get(reverse("registry:import")).status_code == 403


# --- export ---------------------------------------------------------------------------------------------------------


def exported(client, query=""):
    response = client.get(reverse("registry:export") + query)
    assert response.status_code == 200
    return response.content.decode(), list(csv.reader(io.StringIO(response.content.decode())))


def test_the_export_has_no_secret_and_is_audited(entry, entry_b, principal, client_for):
    text, rows = exported(client_for(principal))
    assert PASSWORD not in text
    assert len(rows) == 2  # header + school A's one account (not school B's)
    assert rows[1][rows[0].index("password_recorded")] == "yes"
    assert AuditEvent.objects.filter(action="registry.exported", actor=principal).get().details["rows"] == 1


def test_the_export_neutralises_spreadsheet_formulas(entry, principal, client_for):
    RegistryEntry.objects.filter(pk=entry.pk).update(name='=HYPERLINK("http://evil.example","x")', login_username="+1")
    _, rows = exported(client_for(principal))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["site_name"].startswith("'=") and row["login_username"] == "'+1"


def test_the_export_follows_the_filters(entry, public_entry, principal, client_for):
    _, rows = exported(client_for(principal), "?q=ridgeview")
    assert [r[3] for r in rows[1:]] == ["RidgeviewNews"]


def test_employees_cannot_export(teacher, client_for):
    assert client_for(teacher).get(reverse("registry:export")).status_code == 403


def test_an_import_carries_the_identification_columns_and_checks_the_link_1_2_4(
    platform, principal, teacher, colleague
):
    header = (
        "unit,platform,handle,owner_email,co_admin_emails,login_username,login_email,identification_text,"
        "school_website_url"
    )
    text = "\n".join(
        [
            header,
            "ridgeview,Instagram,art_room,teacher@sd.example,colleague@sd.example,art,art@sd.example,"
            '"Ridgeview art room, a district site",https://ridgeview.sd.example',
            "ridgeview,Instagram,band_room,teacher@sd.example,colleague@sd.example,band,band@sd.example,Band,"
            "javascript:alert(1)",
            "ridgeview,Instagram,old_page,teacher@sd.example,colleague@sd.example,old,old@sd.example,,",
        ]
    )
    preview = services.import_registry_csv(actor=principal, csv_text=text + "\n", dry_run=True)
    assert [bool(r.errors) for r in preview.rows] == [False, True, False]
    assert "school or unit website" in preview.rows[1].errors[0]
    services.import_registry_csv(
        actor=principal, csv_text="\n".join([header, text.splitlines()[1], text.splitlines()[3]]) + "\n", dry_run=False
    )
    art, old = RegistryEntry.objects.get(handle="art_room"), RegistryEntry.objects.get(handle="old_page")
    assert art.identification_text == "Ridgeview art room, a district site"
    assert art.school_website_url == "https://ridgeview.sd.example" and art.has_identification
    assert not old.has_identification  # optional on import; the owner records it at the first review


def test_an_imported_handle_or_username_with_a_line_break_is_refused_like_at_registration(
    platform, principal, teacher, colleague
):
    # Issue 12: a CR/LF in a one-line value would reach e-mail subjects; the shared rules refuse it.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER.split(","))
    writer.writerow(
        ["ridgeview", "Instagram", "art\r\nBcc: all", "", "teacher@sd.example", "", "ok", "art@sd.example"]
        + ["", "private", "off"]
    )
    writer.writerow(
        ["ridgeview", "Instagram", "art2", "", "teacher@sd.example", "", "user\x00name", "a2@sd.example"]
        + ["", "private", "off"]
    )
    preview = services.import_registry_csv(actor=principal, csv_text=buffer.getvalue(), dry_run=True)
    assert not preview.ok
    assert all(any("one line" in e for e in row.errors) for row in preview.rows)
    with pytest.raises(RegistryError):
        services.import_registry_csv(actor=principal, csv_text=buffer.getvalue(), dry_run=False)
    assert not RegistryEntry.objects.exists()
