"""Reading the SIS export and OneRoster 1.2 files (consent/importing.py): no database needed."""

import pytest

from consent.importing import ImportFileError, parse_answer, parse_oneroster, parse_sis_csv

from .conftest import HEADER, ROWS_A, sis


def test_a_good_sis_export_gives_one_row_per_student_with_the_answers_it_states():
    parsed = parse_sis_csv(sis(*ROWS_A))
    assert parsed.ok and len(parsed.rows) == 5
    ben = parsed.rows[1]
    assert (ben.school_identifier, ben.display_name, ben.grade, ben.classes) == ("1002", "Ben Brown", "5", ["5A"])
    assert ben.answers == {"photo_video": "refused", "name_use": "consented", "work_samples": "consented"}
    assert str(ben.consent_date) == "2026-09-11"
    # A blank answer means the file does not say: nothing to change.
    assert parsed.rows[2].answers == {} and parsed.rows[2].consent_date is None


def test_sis_headers_are_matched_loosely_and_first_and_last_names_make_the_display_name():
    text = "Student Number,First Name,Last-Name,Grade,Classes,Consent Photo\n77,Ana,Alvarez,5,5A; Band ;5a,Y\n"
    row = parse_sis_csv(text).rows[0]
    assert (row.school_identifier, row.display_name) == ("77", "Ana Alvarez")
    assert row.classes == ["5A", "Band"]  # repeated class (any case) kept once
    assert row.answers == {"photo_video": "consented"}


@pytest.mark.parametrize(
    "cell, state",
    [
        ("yes", "consented"),
        ("Consented", "consented"),
        ("N", "refused"),
        ("declined", "refused"),
        ("not returned", "not_returned"),
        ("Not_Returned", "not_returned"),
        ("", None),
    ],
)
def test_answers_are_read_in_the_words_schools_use(cell, state):
    assert parse_answer(cell) == state


def test_every_bad_row_gets_its_own_problem_and_the_file_is_not_ok():
    parsed = parse_sis_csv(
        sis(
            "1001,Ana Alvarez,5,5A,maybe,,,",
            ",No Number,5,5A,,,,",
            "1001,Ana Again,5,5A,,,,",
            "1004,,5,5A,,,,",
            "1005,Eli Evans,5,5A,yes,yes,yes,2999-01-01",
            f"1006,{'x' * 130},5,5A,,,,",
        )
    )
    assert not parsed.ok and parsed.error_count == 6
    problems = [" ".join(r.errors) for r in parsed.rows]
    assert "“maybe” is not an answer" in problems[0]
    assert "student number is empty" in problems[1]
    assert "also on line 2" in problems[2]
    assert "name is empty" in problems[3]
    assert "not in the future" in problems[4]
    assert "longer than 120" in problems[5]


def test_a_sis_file_without_a_student_number_column_is_refused_as_a_whole():
    with pytest.raises(ImportFileError, match="student_number"):
        parse_sis_csv("display_name,grade\nAna,5\n")


def test_an_empty_sis_file_says_so():
    assert parse_sis_csv(HEADER).errors == ["The file has no student rows."]


def test_the_repr_of_a_row_never_carries_the_students_name():
    row = parse_sis_csv(sis(ROWS_A[0])).rows[0]
    assert "Ana" not in repr(row) and "Alvarez" not in repr(row)


# --- OneRoster 1.2 -------------------------------------------------------------------------------------

USERS_12 = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,"
    "email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,"
    "preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n"
    "u1,active,,true,ana,,Anastasia,Alvarez,,1001,,,,,05,,,,Ana,,,org1,\n"
    "u2,active,,true,ben,,Ben,Brown,,1002,,,,,05,,,,,,,org1,\n"
    "u3,tobedeleted,,true,gone,,Gone,Student,,1009,,,,,05,,,,,,,org1,\n"
    "t1,active,,true,tara,,Tara,Teacher,,T1,,,,,,,,,,,,org1,\n"
)
ENROLLMENTS = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"
    "e1,active,,c5a,org1,u1,student,false,,\n"
    "e2,active,,c5a,org1,u2,student,false,,\n"
    "e3,active,,band,org1,u2,student,false,,\n"
    "e4,active,,c5a,org1,t1,teacher,true,,\n"
    "e5,active,,c5a,org1,u3,student,false,,\n"
)
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,"
    "termSourcedIds,subjects,subjectCodes,periods\n"
    "c5a,active,,Div 5A,05,crs1,5A,homeroom,Room 5,org1,term1,,,\n"
    "band,active,,Band,05,crs2,BAND,scheduled,Gym,org1,term1,,,\n"
)


def test_oneroster_students_come_with_their_class_titles_and_preferred_names():
    parsed = parse_oneroster(USERS_12, ENROLLMENTS, CLASSES)
    assert parsed.ok and parsed.kind == "oneroster"
    rows = {r.school_identifier: r for r in parsed.rows}
    assert set(rows) == {"1001", "1002"}  # the teacher and the tobedeleted student are not students here
    assert rows["1001"].display_name == "Ana Alvarez" and rows["1001"].grade == "05"
    assert rows["1002"].classes == ["Div 5A", "Band"]
    assert all(r.answers == {} for r in parsed.rows)  # OneRoster carries no consent


def test_oneroster_without_classes_csv_names_classes_by_their_ids():
    parsed = parse_oneroster(USERS_12, ENROLLMENTS)
    assert {r.school_identifier: r.classes for r in parsed.rows}["1002"] == ["c5a", "band"]


def test_oneroster_1_1_users_with_a_role_column_are_read_too():
    users = "sourcedId,status,role,givenName,familyName,identifier,grades\nu1,active,student,Ana,Alvarez,1001,5\n"
    enrollments = "sourcedId,classSourcedId,userSourcedId,role\ne1,c5a,u1,student\n"
    parsed = parse_oneroster(users, enrollments, CLASSES)
    assert [r.display_name for r in parsed.rows] == ["Ana Alvarez"]


def test_an_enrolment_of_an_unknown_user_or_class_is_a_problem_of_the_file():
    enrollments = ENROLLMENTS + "e6,active,,c5a,org1,u404,student,false,,\ne7,active,,c404,org1,u1,student,false,,\n"
    parsed = parse_oneroster(USERS_12, enrollments, CLASSES)
    assert not parsed.ok
    assert any("u404 is not in users.csv" in e for e in parsed.errors)
    assert any("c404 is not in classes.csv" in e for e in parsed.errors)


def test_oneroster_files_missing_their_key_columns_are_refused():
    with pytest.raises(ImportFileError, match="enrollments.csv lacks the column"):
        parse_oneroster(USERS_12, "sourcedId,classSourcedId\ne1,c5a\n")
