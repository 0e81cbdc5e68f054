"""Keeping the roster current (§1.3.6): the principal and the designated office staff record answers,
add and remove students; only the principal exports and sees who looked."""

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent import services
from consent.models import Consent, Student
from core.errors import NotPermitted

from .conftest import STUDENT_NAMES

pytestmark = pytest.mark.django_db

ALL_YES = {"photo_video": "consented", "name_use": "consented", "work_samples": "consented"}


def _edit_data(student, **answers):
    return {
        "display_name": student.display_name,
        "grade": student.grade,
        "classes": "; ".join(c.name for c in student.classes.all()),
        **{use: getattr(student, use) for use in ALL_YES},
        **answers,
    }


def test_the_clerk_records_a_returned_form_with_who_and_when(client_for, clerk, student):
    cleo = student("Cleo Chen")
    response = client_for(clerk).post(reverse("consent:student_edit", args=[cleo.pk]), _edit_data(cleo, **ALL_YES))
    assert response.status_code == 302
    cleo.refresh_from_db()
    assert (cleo.photo_video, cleo.name_use, cleo.work_samples) == (Consent.CONSENTED,) * 3
    assert cleo.recorded_by == clerk and cleo.consent_date is not None
    event = AuditEvent.objects.get(action="consent.recorded")
    assert event.actor == clerk and event.details["photo_video"] == "consented"
    assert "photo_video" in event.details["changed"]
    assert "Cleo" not in repr(event.details) + event.target_repr


def test_saving_an_unchanged_form_records_nothing(client_for, principal, student):
    ana = student("Ana Alvarez")
    client_for(principal).post(reverse("consent:student_edit", args=[ana.pk]), _edit_data(ana))
    assert not AuditEvent.objects.filter(action="consent.recorded").exists()


def test_a_bad_answer_is_a_form_error_and_changes_nothing(client_for, principal, student):
    ben = student("Ben Brown")
    response = client_for(principal).post(
        reverse("consent:student_edit", args=[ben.pk]), _edit_data(ben, photo_video="probably")
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    ben.refresh_from_db()
    assert ben.photo_video == Consent.REFUSED


def test_a_future_date_of_answer_is_refused(client_for, principal, student):
    ben = student("Ben Brown")
    response = client_for(principal).post(
        reverse("consent:student_edit", args=[ben.pk]), _edit_data(ben, consent_date="2999-01-01")
    )
    assert response.status_code == 200 and "not in the future" in response.content.decode()


def test_a_new_arrival_is_added_by_hand_and_a_second_one_with_the_same_number_is_refused(
    client_for, clerk, roster_a, year
):
    data = {
        "org_unit": roster_a.org_unit_id,
        "school_year": year,
        "school_identifier": "1099",
        "display_name": "Nia New",
        "grade": "5",
        "classes": "5A",
        "photo_video": "refused",
        "name_use": "not_returned",
        "work_samples": "consented",
    }
    client = client_for(clerk)
    assert client.post(reverse("consent:student_add"), data).status_code == 302
    nia = roster_a.students.get(school_identifier="1099")
    assert nia.photo_video == Consent.REFUSED and [c.name for c in nia.classes.all()] == ["5A"]
    again = client.post(reverse("consent:student_add"), {**data, "display_name": "Someone Else"})
    assert again.status_code == 200 and "Already on the roster" in again.content.decode()
    assert roster_a.students.filter(school_identifier="1099").count() == 1


def test_a_student_who_left_is_taken_off_and_nothing_of_them_is_kept(client_for, principal, student):
    eli = student("Eli Evans")
    client = client_for(principal)
    unconfirmed = client.post(reverse("consent:student_remove", args=[eli.pk]))
    assert unconfirmed.status_code == 302 and Student.objects.filter(pk=eli.pk).exists()
    client.post(reverse("consent:student_remove", args=[eli.pk]), {"confirm": "on"})
    assert not Student.objects.filter(pk=eli.pk).exists()
    assert not eli.roster.classes.filter(name="6A").exists()  # the class had nobody else
    assert AuditEvent.objects.get(action="consent.student_removed").target_repr == f"student record {eli.pk}"


def test_a_teacher_may_check_but_not_edit_and_another_school_does_not_see_the_student(
    client_for, teacher, teacher_b, principal_b, student
):
    ben = student("Ben Brown")
    url = reverse("consent:student_edit", args=[ben.pk])
    assert client_for(teacher).get(url).status_code == 403
    assert client_for(teacher_b).get(url).status_code == 404
    assert client_for(principal_b).post(url, _edit_data(ben, **ALL_YES)).status_code == 404
    with pytest.raises(NotPermitted):
        services.update_student(
            actor=teacher, student_id=ben.pk, display_name="x", grade="", classes=[], answers=ALL_YES
        )
    ben.refresh_from_db()
    assert ben.photo_video == Consent.REFUSED


def test_the_roster_list_shows_the_keepers_everyone_and_is_on_record(client_for, clerk, roster_a):
    everyone = client_for(clerk).get(reverse("consent:roster", args=[roster_a.pk]))
    assert everyone.context["page"].paginator.count == 5 and "1005" in everyone.content.decode()
    response = client_for(clerk).get(reverse("consent:roster", args=[roster_a.pk]), {"missing": "photo"})
    assert [s.display_name for s in response.context["page"].object_list] == ["Ben Brown", "Cleo Chen"]
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(action="consent.roster_viewed").first()
    assert event.actor == clerk and event.details["students_listed"] == 2
    assert event.details["filters"] == {"missing": "photo"}


def test_a_search_of_the_roster_list_is_on_record_without_what_was_typed(client_for, principal, roster_a):
    client_for(principal).get(reverse("consent:roster", args=[roster_a.pk]), {"q": "Brown"})
    event = AuditEvent.objects.get(action="consent.roster_viewed")
    assert event.details["searched"] is True and "Brown" not in repr(event.details)


def test_the_rosters_page_counts_what_is_missing_and_says_when_the_roster_goes(client_for, principal, roster_a):
    response = client_for(principal).get(reverse("consent:rosters"))
    (roster,) = response.context["rosters"]
    assert (roster.student_count, roster.no_photo_count, roster.not_returned_count) == (5, 2, 2)
    assert roster.purge_on.isoformat() in response.content.decode()
    assert not any(name in response.content.decode() for name in STUDENT_NAMES)


def test_the_principal_exports_the_roster_on_purpose_and_the_export_is_audited(client_for, principal, roster_a):
    response = client_for(principal).get(reverse("consent:export", args=[roster_a.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["student_number", "display_name"] and len(rows) == 6
    assert rows[2][:7] == ["1002", "Ben Brown", "5", "5A", "refused", "consented", "consented"]
    event = AuditEvent.objects.get(action="consent.exported")
    assert event.actor == principal and event.details["rows"] == 5


def test_export_cells_cannot_run_as_spreadsheet_formulas(client_for, principal, school_a, import_sis):
    from .conftest import sis

    import_sis(principal, school_a, sis("1001,=HYPERLINK(1),5,5A,yes,yes,yes,"))
    roster = school_a.consent_rosters.get()
    body = client_for(principal).get(reverse("consent:export", args=[roster.pk])).content.decode()
    assert "'=HYPERLINK(1)" in body


def test_only_the_principal_exports_or_reads_the_look_up_log(client_for, clerk, teacher, roster_a):
    for user in (clerk, teacher):
        client = client_for(user)
        assert client.get(reverse("consent:export", args=[roster_a.pk])).status_code == 403
        assert client.get(reverse("consent:lookups")).status_code == 403
    assert not AuditEvent.objects.filter(action="consent.exported").exists()
