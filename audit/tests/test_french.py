"""The audit trail in French (issue 17): labels, sentences and details follow the reader's language; the
CSV export stays machine-readable (English headers, action codes) whatever the downloader's language."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from audit.humanize import humanize
from audit.models import AuditEvent
from audit.services import record_event

pytestmark = pytest.mark.django_db


def _french(user):
    user.language = "fr-ca"
    user.save(update_fields=["language"])
    return user


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_the_audit_trail_reads_in_french(client_for, principal, teacher, school_a):
    record_event(
        actor=teacher, action="request.withdrawn", target=school_a, org_unit=school_a, details={"reason": "No time"}
    )
    body = _main(client_for(_french(principal)).get(reverse("audit:list")))
    assert "Journal d’audit" in body and "Exporter en CSV" in body and "Ce qui s’est passé" in body
    assert "Demande retirée" in body and "a retiré <em>Ridgeview Elementary</em>" in body
    assert "Motif" in body and "No time" in body  # the detail's label is translated, its value is data
    assert "Qui (courriel)" in body and "Toutes les actions" in body  # the filter form
    assert "What happened" not in body and "Request withdrawn" not in body and "withdrew" not in body


def test_wording_follows_the_active_language_not_the_one_at_start_up():
    event = AuditEvent(action="registry.registered", target_repr="@room12", details={"privacy": "private"})
    with translation.override("fr-ca"):
        french = humanize(event)
    english = humanize(event)
    assert french.label == "Compte inscrit au registre" and english.label == "Account registered"
    assert "Le portail a inscrit" in french.sentence and "The portal registered" in english.sentence
    assert [(d.label, d.text) for d in french.details] == [("Réseau", "Réseau privé")]
    with translation.override("fr-ca"):
        assert humanize(AuditEvent(action="registry.flagged_departed_user")).source == "Automatique"


def test_a_french_export_keeps_english_headers_and_the_machine_codes(client_for, principal, teacher, school_a):
    record_event(actor=teacher, action="request.withdrawn", target=school_a, org_unit=school_a)
    response = client_for(_french(principal)).get(reverse("audit:export"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["time", "actor", "action", "object", "unit", "source_ip", "details"]
    assert rows[1][2] == "request.withdrawn"


def test_the_trail_names_its_objects_in_the_districts_language_whoever_acted(make_entry, teacher, school_a):
    """A French principal’s action and an English one name the same account the same way (the evidence
    stays comparable): the target's name is recorded in the district's language."""
    from django.utils import translation

    from audit.services import record_event

    entry = make_entry(teacher, school_a)
    with translation.override("fr-ca"):
        assert " sur " in str(entry)  # the account reads "@x sur Instagram" in French
        event = record_event(actor=teacher, action="registry.registered", target=entry)
    with translation.override("en-ca"):
        assert event.target_repr == str(entry)
