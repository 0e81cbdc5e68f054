"""The teacher's check (§1.3.6): pick a class, see at once who may not appear in a post and for what."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent import services

from .conftest import STUDENT_NAMES

pytestmark = pytest.mark.django_db


def _check(client, **params):
    return client.get(reverse("consent:check"), params)


def test_picking_a_class_lists_who_may_not_appear_and_for_what_for_each_consent_state(client_for, teacher, roster_a):
    response = _check(client_for(teacher), school_class="5A")
    assert response.status_code == 200
    restricted = {s.display_name: s for s in response.context["restricted"]}
    # Ana consented to everything: not listed. Ben refused photos; Cleo's form is not back (a no).
    assert set(restricted) == {"Ben Brown", "Cleo Chen"}
    assert [s.display_name for s in response.context["no_photo"]] == ["Ben Brown", "Cleo Chen"]
    assert response.context["taking_part_count"] == 3
    body = response.content.decode()
    assert "2 of 3 may not appear in a photo or video" in body
    assert "refused" in body and "form not returned" in body
    assert "Ana Alvarez" not in body  # nothing about the students who may appear


def test_a_student_with_photo_consent_but_not_name_consent_is_listed_for_the_name_only(client_for, teacher, roster_a):
    response = _check(client_for(teacher), school_class="5B")
    (dev,) = response.context["restricted"]
    assert dev.display_name == "Dev Das" and response.context["no_photo"] == []
    assert [use for use, _, _ in dev.restrictions] == ["name_use", "work_samples"]
    assert "0 of 1 may not appear in a photo or video" in response.content.decode()


def test_a_class_where_everyone_consented_says_so_plainly(client_for, teacher, roster_a):
    body = _check(client_for(teacher), school_class="6A").content.decode()
    assert "All 1 student consented" in body and "Eli Evans" not in body


def test_a_grade_can_be_checked_as_a_whole(client_for, teacher, roster_a):
    response = _check(client_for(teacher), grade="5")
    assert {s.display_name for s in response.context["restricted"]} == {"Ben Brown", "Cleo Chen", "Dev Das"}
    assert response.context["taking_part_count"] == 4


def test_searching_a_few_names_shows_each_match_with_its_answers(client_for, teacher, roster_a):
    response = _check(client_for(teacher), q="ana, brown")
    assert [s.display_name for s in response.context["matches"]] == ["Ana Alvarez", "Ben Brown"]
    body = response.content.decode()
    assert "Ana Alvarez" in body and "Ben Brown" in body
    assert "1001" not in body  # the student number is the office's, not the teacher's


def test_students_of_another_school_never_appear(client_for, teacher, roster_a, roster_b):
    response = _check(client_for(teacher), school_class="5A", q="Zara")
    assert "Zara Zed" not in response.content.decode()
    assert response.context["matches"] == []


def test_a_teacher_cannot_open_another_schools_roster_by_its_id(client_for, teacher, roster_a, roster_b):
    response = _check(client_for(teacher), unit=roster_b.org_unit_id, school_class="5A")
    assert response.context["roster"] is None and "Zara Zed" not in response.content.decode()


def test_every_look_up_is_audited_with_who_which_class_and_when_but_no_name(client_for, teacher, roster_a):
    client = client_for(teacher)
    _check(client)  # opening the page is not a look-up
    assert not AuditEvent.objects.filter(action="consent.looked_up").exists()
    _check(client, school_class="5A")
    _check(client, q="Ben Brown, Cleo")
    by_class, by_name = AuditEvent.objects.filter(action="consent.looked_up").order_by("id")
    assert by_class.actor == teacher and by_class.org_unit == roster_a.org_unit and by_class.created_at
    assert by_class.details["classes"] == ["5A"] and by_class.details["students_listed"] == 2
    assert by_name.details["names_searched"] == 2 and by_name.details["classes"] == []
    stored = repr([(e.details, e.target_repr) for e in (by_class, by_name)])
    assert not any(name in stored for name in STUDENT_NAMES) and "Cleo" not in stored


def test_an_unknown_class_is_a_clear_error_not_an_empty_answer(client_for, teacher, roster_a):
    response = _check(client_for(teacher), school_class="9Z")
    assert response.status_code == 200 and "restricted" not in response.context
    assert "Select a valid choice" in response.content.decode()
    assert not AuditEvent.objects.filter(action="consent.looked_up").exists()


def test_without_a_roster_the_page_says_to_treat_everyone_as_not_consented(client_for, teacher, school_a):
    body = _check(client_for(teacher), school_class="5A").content.decode()
    assert "no consent roster" in body and "treat every student as not consented" in body


def test_the_check_page_is_never_cached(client_for, teacher, roster_a):
    assert "no-store" in _check(client_for(teacher), school_class="5A")["Cache-Control"]


def test_district_wide_roles_without_a_school_see_no_student(client_for, comms, district_admin, roster_a):
    for user in (comms, district_admin):
        assert _check(client_for(user), school_class="5A").status_code == 403


def test_the_clerk_and_the_principal_can_check_too(client_for, clerk, principal, roster_a):
    for user in (clerk, principal):
        assert len(_check(client_for(user), school_class="5A").context["restricted"]) == 2


def test_record_lookup_refuses_someone_outside_the_school(teacher_b, roster_a):
    with pytest.raises(services.NotPermitted):
        services.record_lookup(actor=teacher_b, roster=roster_a, classes=["5A"])


def test_the_home_page_offers_the_classes_of_this_years_roster(client_for, teacher, roster_a, teacher_b):
    body = client_for(teacher).get(reverse("home")).content.decode()
    assert "Before you post a photo" in body and '<option value="5A">5A</option>' in body
    assert "Before you post a photo" not in client_for(teacher_b).get(reverse("home")).content.decode()


def test_the_check_and_the_roster_list_cost_the_same_queries_for_a_big_class(
    client_for, principal, roster_a, school_a, import_sis, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import ROWS_A, sis

    client = client_for(principal)
    urls = [(reverse("consent:check"), {"school_class": "5A"}), (reverse("consent:roster", args=[roster_a.pk]), {})]
    small = []
    for url, query in urls:
        with CaptureQueriesContext(connection) as captured:
            client.get(url, query)
        small.append(len(captured.captured_queries))
    more = [f"{3000 + i},Kid Number{i},5,5A,no,no,no," for i in range(40)]
    import_sis(principal, school_a, sis(*ROWS_A, *more))
    for (url, query), count in zip(urls, small, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url, query).status_code == 200


def test_the_django_admin_shows_rosters_but_no_student(client_for, district_admin, roster_a):
    client = client_for(district_admin)
    pages = [reverse("admin:consent_roster_changelist"), reverse("admin:consent_roster_change", args=[roster_a.pk])]
    for url in pages:
        body = client.get(url).content.decode()
        assert "Ridgeview" in body and not any(name in body for name in STUDENT_NAMES)
