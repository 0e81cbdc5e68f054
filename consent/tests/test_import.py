"""Importing a school's roster (§1.3.6): preview, per-row problems, all or nothing, re-runnable."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent import services
from consent.models import Consent, Roster, Student
from core.errors import NotPermitted

from .conftest import ROWS_A, STUDENT_NAMES, sis, upload
from .test_importing import CLASSES, ENROLLMENTS, USERS_12

pytestmark = pytest.mark.django_db


def _preview(actor, unit, text, year):
    return services.import_roster(actor=actor, org_unit=unit, school_year=year, files={"sis": text}, dry_run=True)


def test_the_preview_says_what_would_happen_and_saves_nothing(principal, school_a, year):
    result = _preview(principal, school_a, sis(*ROWS_A), year)
    assert result.ok and result.counts == {"new": 5, "changed": 0, "unchanged": 0}
    assert not Roster.objects.exists() and not Student.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="consent.").exists()


def test_a_good_file_fills_the_roster_with_each_students_answers_who_recorded_them_and_when(
    roster_a, principal, student
):
    assert roster_a.students.count() == 5
    ben = student("Ben Brown")
    assert (ben.photo_video, ben.name_use, ben.work_samples) == (Consent.REFUSED, Consent.CONSENTED, Consent.CONSENTED)
    assert str(ben.consent_date) == "2026-09-11" and ben.recorded_by == principal and ben.recorded_at
    assert [c.name for c in ben.classes.all()] == ["5A"]
    cleo = student("Cleo Chen")  # nothing in the file: a form not returned, which counts as no (§1.3.6)
    assert (cleo.photo_video, cleo.name_use, cleo.work_samples) == (Consent.NOT_RETURNED,) * 3
    assert cleo.recorded_by is None
    assert sorted(roster_a.classes.values_list("name", flat=True)) == ["5A", "5B", "6A"]


def test_the_import_is_audited_once_with_counts_and_never_a_name(roster_a, principal):
    event = AuditEvent.objects.get(action="consent.roster_imported")
    assert event.actor == principal and event.org_unit == roster_a.org_unit
    assert event.details["new"] == 5 and event.details["format"] == "sis"
    text = repr(event.details) + event.target_repr
    assert not any(name in text for name in STUDENT_NAMES) and "1001" not in text


def test_a_file_with_a_bad_row_saves_nothing_at_all(principal, school_a, import_sis):
    bad = sis(*ROWS_A, "1006,Fay Fox,5,5A,perhaps,,,")
    preview = _preview(principal, school_a, bad, services.rules.current_school_year())
    assert not preview.ok and preview.parsed.error_count == 1
    with pytest.raises(services.ConsentError, match="Nothing was imported: 1 problem"):
        import_sis(principal, school_a, bad)
    assert not Student.objects.exists() and not Roster.objects.exists()


def test_running_the_same_file_twice_changes_nothing_the_second_time(roster_a, principal, school_a, import_sis):
    before = list(Student.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    result = import_sis(principal, school_a, sis(*ROWS_A))
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 5} and not result.changes
    assert list(Student.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_second_file_updates_what_changed_and_a_blank_answer_keeps_the_recorded_one(
    roster_a, clerk, school_a, import_sis, student
):
    services.update_student(
        actor=clerk,
        student_id=student("Cleo Chen").pk,
        display_name="Cleo Chen",
        grade="5",
        classes=["5A"],
        answers={"photo_video": "consented", "name_use": "consented", "work_samples": "refused"},
    )
    rows = [r.replace("1002,Ben Brown,5,5A,no", "1002,Ben Brown,5,5A,yes") for r in ROWS_A]
    result = import_sis(clerk, school_a, sis(*rows))
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 4}
    assert student("Ben Brown").photo_video == Consent.CONSENTED and student("Ben Brown").recorded_by == clerk
    assert student("Cleo Chen").photo_video == Consent.CONSENTED  # the file's blank did not undo the form


def test_students_missing_from_the_file_stay_unless_the_file_is_the_whole_school(
    roster_a, principal, school_a, import_sis
):
    assert import_sis(principal, school_a, sis(*ROWS_A[:3])).to_remove == 2
    assert roster_a.students.count() == 5
    import_sis(principal, school_a, sis(*ROWS_A[:3]), remove_missing=True)
    assert sorted(roster_a.students.values_list("school_identifier", flat=True)) == ["1001", "1002", "1003"]
    assert sorted(roster_a.classes.values_list("name", flat=True)) == ["5A"]  # empty classes go too
    assert AuditEvent.objects.filter(action="consent.roster_imported").last().details["removed"] == 0
    assert AuditEvent.objects.filter(action="consent.roster_imported").first().details["removed"] == 2


def test_oneroster_files_bring_the_class_lists_and_keep_the_answers_recorded(roster_a, principal, school_a, year):
    files = {"users": USERS_12, "enrollments": ENROLLMENTS, "classes": CLASSES}
    result = services.import_roster(actor=principal, org_unit=school_a, school_year=year, files=files, dry_run=False)
    assert result.counts == {"new": 0, "changed": 2, "unchanged": 0}
    ana = roster_a.students.get(school_identifier="1001")
    assert ana.photo_video == Consent.CONSENTED and ana.grade == "05"
    assert sorted(c.name for c in roster_a.students.get(school_identifier="1002").classes.all()) == ["Band", "Div 5A"]


def test_a_teacher_cannot_import_and_nobody_imports_for_another_school(teacher, principal_b, school_a, year):
    for actor in (teacher, principal_b):
        with pytest.raises(NotPermitted):
            _preview(actor, school_a, sis(*ROWS_A), year)


def test_rosters_are_kept_for_this_school_year_and_the_next_only(principal, school_a, year):
    with pytest.raises(services.ConsentError, match="Rosters are kept for"):
        _preview(principal, school_a, sis(*ROWS_A), year - 1)
    assert _preview(principal, school_a, sis(*ROWS_A), year + 1).ok


# --- The page -----------------------------------------------------------------------------------------------


def _upload_page(client, unit, year, text, **extra):
    return client.post(
        reverse("consent:import"),
        {"org_unit": unit.pk, "school_year": year, "sis_file": upload(text), **extra},
    )


def test_the_clerk_uploads_previews_and_confirms_in_the_page(client_for, clerk, school_a, year):
    client = client_for(clerk)
    preview = _upload_page(client, school_a, year, sis(*ROWS_A))
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]
    body = preview.content.decode()
    assert "5 new, 0 changed, 0 unchanged" in body and "Ben Brown" in body
    assert not Student.objects.exists()
    confirmed = client.post(reverse("consent:import"), {"payload": preview.context["confirm_form"].initial["payload"]})
    roster = Roster.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("consent:roster", args=[roster.pk])
    assert roster.students.count() == 5


def test_a_file_with_problems_shows_each_row_and_offers_no_confirm_button(client_for, principal, school_a, year):
    response = _upload_page(client_for(principal), school_a, year, sis(ROWS_A[0], ",Nobody,5,5A,,,,"))
    body = response.content.decode()
    assert response.context["confirm_form"] is None
    assert "The student number is empty." in body and "line 3" in body


def test_uploading_the_same_file_again_says_there_is_nothing_to_change(client_for, roster_a, principal, school_a, year):
    response = _upload_page(client_for(principal), school_a, year, sis(*ROWS_A))
    assert response.context["confirm_form"] is None
    assert "Nothing to change" in response.content.decode()


def test_a_file_that_is_not_csv_is_refused_with_a_message(client_for, principal, school_a, year):
    response = client_for(principal).post(
        reverse("consent:import"),
        {"org_unit": school_a.pk, "school_year": year, "sis_file": upload("x", name="students.xlsx")},
    )
    assert response.status_code == 200 and "upload a .csv file" in response.content.decode()


def test_a_preview_made_by_someone_else_cannot_be_confirmed(client_for, principal, clerk, school_a, year):
    preview = _upload_page(client_for(principal), school_a, year, sis(*ROWS_A))
    payload = preview.context["confirm_form"].initial["payload"]
    response = client_for(clerk).post(reverse("consent:import"), {"payload": payload}, follow=True)
    assert "belongs to someone else" in response.content.decode() and not Student.objects.exists()


def test_the_school_choice_holds_only_the_schools_the_user_keeps(client_for, principal, school_a, school_b):
    form = client_for(principal).get(reverse("consent:import")).context["form"]
    assert list(form.fields["org_unit"].queryset) == [school_a]
