"""Journey (AP 1311 §1.3.6): the principal imports the roster; a teacher checks a class before posting."""

import pytest
from playwright.sync_api import expect

from consent.tests.conftest import ROWS_A, sis


@pytest.fixture
def cast(transactional_db, teacher, principal, school_a):
    return teacher, principal


def test_the_principal_imports_the_roster_and_a_teacher_sees_who_may_not_be_posted(
    page, live_server, login, axe_violations, cast, tmp_path
):
    teacher, principal = cast
    export = tmp_path / "ridgeview.csv"
    export.write_text(sis(*ROWS_A), encoding="utf-8")

    login(page, principal)
    page.goto(f"{live_server.url}/consent/import/")
    page.get_by_label("Student information system export (CSV)").set_input_files(str(export))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("5 new, 0 changed, 0 unchanged")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Update the roster").click()
    expect(page.get_by_text("Roster updated: 5 added")).to_be_visible()
    assert axe_violations(page) == []

    page.context.clear_cookies()
    login(page, teacher)
    page.get_by_label("Class", exact=True).select_option("5A")
    page.get_by_role("button", name="Check consent").click()
    expect(page.get_by_text("2 of 3 may not appear in a photo or video")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Ben Brown")).to_be_visible()
    expect(page.get_by_text("Ana Alvarez")).to_have_count(0)
    assert axe_violations(page) == []
