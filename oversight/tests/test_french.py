"""The oversight pages in French (issue 17): a person whose language is fr-ca reads home, the dashboard
and the compliance report in French; the compliance CSV keeps its English, machine-readable headers."""

import csv
import io

import pytest
from django.urls import reverse

from notifications.models import SweepRun

pytestmark = pytest.mark.django_db
FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def main_of(response) -> str:
    """The page's own content: the shared navigation and footer (base.html) are another helper's."""
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def _french(user):
    user.language = "fr-ca"
    user.save(update_fields=["language"])
    return user


def test_a_teachers_home_is_in_french(client_for, teacher, school_a, make_entry):
    make_entry(_french(teacher), school_a, comments="on")
    body = main_of(client_for(teacher).get(reverse("home")))
    assert "Mes demandes" in body and "Mes comptes" in body and "Aujourd’hui" in body
    assert "Demander un nouveau compte" in body
    assert "J’ai vérifié les commentaires" in body  # the check-in card (§1.4.3), moderation's include
    assert "My requests" not in body and "Request a new account" not in body


def test_a_principals_home_is_in_french(client_for, principal, school_a):
    body = main_of(client_for(_french(principal)).get(reverse("home")))
    assert "À décider" in body and "Rien n’attend votre décision." in body and "Activité récente" in body
    assert "For your decision" not in body and "Recent activity" not in body


def test_the_district_admins_home_is_in_french(client_for, district_admin):
    SweepRun.objects.create(name="attestations", for_date="2026-11-27", counts={"created": 1, "not_confirmed": 2})
    body = main_of(client_for(_french(district_admin)).get(reverse("home")))
    assert "Le district en un coup d’œil" in body and "Tournées de rappels" in body and "jamais exécutée" in body
    assert "1 message; 2 non confirmés" in body  # a sweep run's counts, in words
    assert "The district at a glance" not in body and "never ran" not in body


def test_the_communications_managers_home_is_in_french(client_for, comms):
    body = main_of(client_for(_french(comms)).get(reverse("home")))
    assert "Demandes des médias" in body and "Comptes publics inscrits récemment" in body
    assert "Recently registered public accounts" not in body


def test_the_dashboard_is_in_french_with_french_chart_labels(client_for, principal, teacher, school_a, make_entry):
    make_entry(teacher, school_a, comments="on")
    response = client_for(_french(principal)).get(reverse("oversight:dashboard"))
    body = main_of(response)
    assert "Mes unités en un coup d’œil" in body and "Comment lire ces chiffres" in body
    assert "Vérifications des commentaires faites, semaine par semaine" in body
    assert "My units at a glance" not in body and "How to read these figures" not in body
    labels = response.context["chart_data"]["trend"]["labels"]
    assert len(labels) == 12 and all(any(m in label for m in FRENCH_MONTHS) for label in labels)


def test_the_dashboard_chart_labels_follow_english_too(client_for, principal):
    response = client_for(principal).get(reverse("oversight:dashboard"))
    labels = response.context["chart_data"]["trend"]["labels"]
    assert not any(m in label for m in FRENCH_MONTHS for label in labels)


def test_the_compliance_report_is_in_french_and_cached_per_language(
    client_for, principal, district_admin, teacher, school_a, make_entry
):
    make_entry(teacher, school_a, comments="off", privacy="private")
    url = reverse("oversight:compliance", args=[school_a.code])
    english = client_for(principal).get(url).content.decode()
    assert "next review" in english and "private network" in english
    body = main_of(client_for(_french(district_admin)).get(url))
    assert "Conformité à l’AP 1311" in body and "Revues des accès" in body
    # The verdicts' notes come from the same cached rows, in the reader's language (§1.4.4, §1.2.1.3).
    assert "prochaine revue le" in body and "réseau privé" in body and "commentaires désactivés" in body
    assert "next review" not in body and "AP 1311 compliance" not in body


def test_a_french_compliance_csv_keeps_english_headers_and_has_french_verdicts(
    client_for, principal, teacher, school_a, make_entry
):
    make_entry(teacher, school_a, comments="off", privacy="private")
    response = client_for(_french(principal)).get(reverse("oversight:compliance_export", args=[school_a.code]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["account", "platform", "owner", "status", "§1.1.1 District e-mail"]
    assert "§1.4.4 Privacy justified" in rows[0]
    assert rows[1][3] == "active"  # a code stays a code
    privacy = rows[1][rows[0].index("§1.4.4 Privacy justified")]
    assert privacy == "oui (réseau privé)"


def test_the_landing_page_follows_the_browsers_french(client):
    body = main_of(client.get(reverse("landing"), HTTP_ACCEPT_LANGUAGE="fr-CA"))
    assert "Les médias sociaux professionnels, dans les règles" in body
    assert "Professional social media, done by the book" not in body
