"""The audit trail in words: every action the code records has a label and a sentence (issue 14)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.factories import UserFactory
from audit.humanize import humanize, is_known
from audit.models import AuditEvent
from audit.services import record_event

ROOT = Path(__file__).resolve().parents[2]
_LITERAL = re.compile(r"""\baction\s*=\s*["']([a-z_]+\.[a-z_]+)["']""")
_FSTRING = re.compile(r"""\baction\s*=\s*f["']([a-z_]+)\.\{""")
_MAPPED = re.compile(r"""\baction\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\[""")


def _expansions():
    """Actions built with an f-string, by prefix: the values the code can put after the dot."""
    from outreach.models import InquiryUpdate

    return {
        "inquiry": [f"inquiry.{value}" for value in InquiryUpdate.Action.values],
        "admin": ["admin.added", "admin.changed", "admin.deleted"],  # audit/admin_trail.py
    }


def _source_files():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "node_modules", "tests", "benchmarks"} or "tests" in parts or "migrations" in parts:
            continue
        yield path


def recorded_actions() -> set[str]:
    """Every audit action name the services can record, read from the source (so a new one counts)."""
    found: set[str] = set()
    expansions = _expansions()
    for path in _source_files():
        text = path.read_text()
        if "action" not in text:
            continue
        found.update(_LITERAL.findall(text))
        for prefix in _FSTRING.findall(text):
            assert prefix in expansions, f"{path}: action=f'{prefix}.{{...}}' — teach this test its values"
            found.update(expansions[prefix])
        for name in _MAPPED.findall(text):
            mapping = re.search(rf"^{name}\s*=\s*\{{(.*?)^\}}", text, re.S | re.M)
            assert mapping, f"{path}: action={name}[...] but no {name} = {{...}} in the file"
            found.update(re.findall(r""":\s*["']([a-z_]+\.[a-z_]+)["']""", mapping.group(1)))
    return found


def test_the_scan_finds_the_actions_of_every_app():
    actions = recorded_actions()
    prefixes = {a.split(".")[0] for a in actions}
    assert {"request", "registry", "moderation", "inquiry", "event", "attestation", "audit", "compliance"} <= prefixes
    assert {"registry.disabled", "inquiry.closed", "request.approved"} <= actions
    assert len(actions) >= 30


@pytest.mark.parametrize("action", sorted(recorded_actions()))
def test_every_recorded_action_reads_as_a_sentence_not_a_code(action):
    event = AuditEvent(action=action, target_repr="Room 12 Grade 5 class page", details={})
    human = humanize(event)
    assert is_known(action), f"{action} has no wording in audit/humanize.py"
    assert human.label and human.label != action
    assert action not in human.sentence
    assert "{" not in human.sentence


@pytest.mark.django_db
def test_sentence_names_the_actor_and_the_object():
    priya = UserFactory(first_name="Priya", last_name="Principal")
    event = AuditEvent(actor=priya, action="request.approved", target_repr="Room 12 Grade 5 class page")
    assert humanize(event).sentence == "Priya Principal approved <em>Room 12 Grade 5 class page</em>"


@pytest.mark.django_db
def test_acknowledgements_are_listed_by_their_wording_not_as_a_python_dict():
    from approvals.acknowledgements import STATEMENTS

    event = AuditEvent(
        action="request.submitted",
        target_repr="Garden blog",
        details={"resubmission": False, "acknowledgements": {s.code: s.version for s in STATEMENTS}},
    )
    [detail] = humanize(event).details
    assert detail.text == f"{len(STATEMENTS)} statements, version 2026-1"
    assert any("AP 1201 Acceptable Use of IT" in item for item in detail.items)
    assert not any("ap1201" in item for item in detail.items)


def test_values_are_named_and_hidden_keys_left_out():
    event = AuditEvent(
        action="registry.registered",
        target_repr="@room12 on Instagram",
        details={"request": 4, "handle": "room12", "privacy": "private", "comment_setting": "on", "co_admins": []},
    )
    details = {d.label: d.text for d in humanize(event).details}
    assert details == {"Handle": "@room12", "Network": "Private network", "Comments": "On, checked daily"}


def test_target_text_is_escaped():
    event = AuditEvent(action="registry.disabled", target_repr="<script>x</script>")
    assert "<script>" not in humanize(event).sentence


def test_unknown_action_still_shows_its_code_rather_than_nothing():
    human = humanize(AuditEvent(action="future.thing", target_repr="x"))
    assert not human.known and "future.thing" in human.sentence


def test_source_is_the_address_when_known_and_automatic_for_the_portal():
    assert humanize(AuditEvent(action="request.approved", source_ip="10.1.2.3")).source == "10.1.2.3"
    assert humanize(AuditEvent(action="registry.flagged_departed_user")).source == "Automatic"


@pytest.mark.django_db
def test_audit_list_shows_sentences_and_the_export_keeps_the_codes(client_for, principal, teacher, school_a):
    record_event(
        actor=teacher, action="request.withdrawn", target=school_a, org_unit=school_a, details={"reason": "No time"}
    )
    client = client_for(principal)
    body = client.get(reverse("audit:list")).content.decode()
    assert "withdrew <em>Ridgeview Elementary</em>" in body
    assert "Reason:" in body and "No time" in body
    assert "request.withdrawn" not in body.split("<tbody>")[1]
    csv_text = client.get(reverse("audit:export")).content.decode()
    assert "request.withdrawn" in csv_text


def _detail_keys() -> set[str]:
    """Every key a service writes in an event's `details={...}` literal, read from the source."""
    import ast

    keys = set()
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "details" and isinstance(node.value, ast.Dict):
                keys.update(k.value for k in node.value.keys if isinstance(k, ast.Constant))
    return keys


def test_every_detail_key_the_code_records_has_a_label_for_translation():
    """A key with no label would read as its code, in English whatever the reader's language (issue 17)."""
    from audit.humanize import _HIDDEN, _KEY_LABELS

    keys = _detail_keys()
    assert {"reason", "school_year", "trigger"} <= keys  # the scan reads the services
    assert sorted(keys - set(_KEY_LABELS) - _HIDDEN) == []


def test_consent_answers_read_in_the_readers_language():
    from django.utils import translation

    with translation.override("fr-ca"):
        details = humanize(AuditEvent(action="consent.recorded", details={"photo_video": "refused"})).details
    assert [(d.label, d.text) for d in details] == [("Photos et vidéos", "Refusé")]
