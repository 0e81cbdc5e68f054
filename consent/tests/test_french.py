"""The consent roster in French (issue 17): the teacher's check (§1.3.6), the keepers' pages, the import
preview and its problems, the look-up log; the CSV export stays machine-readable whatever the language."""

import csv
import html
import io

import pytest
from django.urls import reverse

from .conftest import ROWS_A, sis, upload

pytestmark = pytest.mark.django_db

FR = "fr-ca"
NB = "\u00a0"


def _french(user):
    user.language = FR
    user.save(update_fields=["language"])
    return user


def _main(response) -> str:
    """The page's own content (<main>): the shared navigation around it is another part's to translate."""
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    return body[body.index("<main") : body.index("</main>")]


def test_the_teachers_check_in_french_with_consent_answers_in_french(client_for, teacher, roster_a):
    body = _main(client_for(_french(teacher)).get(reverse("consent:check"), {"school_class": "5A"}))
    assert "Puis-je publier cette photo?" in body
    # §1.3.6: Ben refused photos, Cleo's form is not back: both a no, said in French.
    assert "2 sur 3 ne peuvent pas apparaître dans une photo ou une vidéo" in body
    assert "refusé" in body and "formulaire non retourné" in body and "Photo ou vidéo" in body
    assert "May I post this photo?" not in body and "may not appear" not in body and "form not returned" not in body


def test_a_class_where_everyone_consented_says_so_in_french(client_for, teacher, roster_a):
    body = _main(client_for(_french(teacher)).get(reverse("consent:check"), {"school_class": "6A"}))
    assert "a consenti aux photos ou vidéos" in body and "consented" not in body


def test_without_a_roster_the_check_says_in_french_to_treat_everyone_as_not_consented(client_for, teacher, school_a):
    body = _main(client_for(_french(teacher)).get(reverse("consent:check")))
    assert "considérez que chaque élève n’a pas donné son consentement" in body
    assert "treat every student as not consented" not in body


def test_the_rosters_and_roster_pages_in_french(client_for, principal, roster_a):
    client = client_for(_french(principal))
    rosters = _main(client.get(reverse("consent:rosters")))
    assert "Registres des consentements des élèves aux médias" in rosters and "Exporter en CSV" in rosters
    assert "Student media consent rosters" not in rosters and "Export CSV" not in rosters
    roster = _main(client.get(reverse("consent:roster", args=[roster_a.pk])))
    assert f"Ridgeview Elementary{NB}: registre des consentements" in roster and "Ajouter un élève" in roster
    assert "5 élèves" in roster and "Consignez ici chaque formulaire retourné" in roster
    assert "consent roster" not in roster and "Add a student" not in roster


def test_the_purge_date_is_written_the_french_way(client_for, principal, roster_a):
    from django.utils import formats, translation

    from consent import rules

    purge = rules.purge_date(roster_a.school_year)
    with translation.override(FR):
        french_date = formats.date_format(purge, "DATE_FORMAT")
    body = _main(client_for(_french(principal)).get(reverse("consent:roster", args=[roster_a.pk])))
    assert f"Le registre sera supprimé le {french_date}." in body
    assert purge.strftime("%B") not in body  # the English month name (DATE_FORMAT follows the language)


def test_the_student_form_in_french(client_for, principal, student):
    body = _main(client_for(_french(principal)).get(reverse("consent:student_edit", args=[student("Ben Brown").pk])))
    assert "Consentement donné" in body and "Formulaire non retourné" in body and "Date de la réponse" in body
    assert "Retirer du registre" in body and "Take off the roster" not in body and "Date of the answer" not in body


def test_the_import_preview_and_its_problems_in_french(client_for, principal, school_a, year):
    text = sis(ROWS_A[0], "1001,Ana Again,5,5A,maybe,yes,yes,")
    response = client_for(_french(principal)).post(
        reverse("consent:import"), {"org_unit": school_a.pk, "school_year": year, "sis_file": upload(text)}
    )
    body = _main(response)
    assert "Aperçu" in body and "Importer les listes de classes et les réponses de consentement" in body
    assert "Le numéro d’élève 1001 figure aussi à la ligne 2." in body
    assert f"photo_video «{NB}maybe{NB}» n’est pas une réponse" in body
    assert "is also on line" not in body and "is not an answer" not in body and "Preview:" not in body


def test_the_look_up_log_in_french(client_for, teacher, principal, roster_a):
    client_for(teacher).get(reverse("consent:check"), {"school_class": "5A"})
    body = _main(client_for(_french(principal)).get(reverse("consent:lookups")))
    assert "Qui a consulté le registre des consentements" in body and "A vérifié" in body and "classe 5A" in body
    assert "Who looked" not in body and "Checked" not in body


def test_a_refusal_is_in_french(client_for, teacher, roster_a):
    response = client_for(_french(teacher)).get(reverse("consent:rosters"))
    assert response.status_code == 403
    body = html.unescape(response.content.decode())
    assert "Seuls la direction et le personnel de bureau désigné tiennent les registres des consentements." in body


def test_a_french_principals_export_keeps_the_english_headers_and_the_answer_codes(client_for, principal, roster_a):
    """CSV is machine-readable: the column headers and the consent codes stay as they are in French too."""
    response = client_for(_french(principal)).get(reverse("consent:export", args=[roster_a.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "student_number",
        "display_name",
        "grade",
        "classes",
        "photo_video",
        "name_use",
        "work_samples",
        "consent_date",
        "recorded_by",
        "recorded_at",
    ]
    ben = next(r for r in rows if r[1] == "Ben Brown")
    assert ben[4:7] == ["refused", "consented", "consented"]  # codes, never « refusé »
    cleo = next(r for r in rows if r[1] == "Cleo Chen")
    assert cleo[4] == "not_returned"
