"""Every notification kind's words are templates: none is missing, empty or broken (issue 13).

The kinds are the folders of templates/notifications/ (the source of truth); each is rendered with a
stand-in context that answers every variable, so a template that does not parse, renders to nothing, or
has no subject or body fails here, and so does a kind named in the code without its folder.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from notifications.services import email_message, render_notification

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "notifications"
KINDS = sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir())


class Sample:
    """Answers every attribute, item and loop of a template with more samples (two per loop)."""

    def __init__(self, name="sample"):
        self._name = name

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Sample(f"{self._name}.{name}")

    def __getitem__(self, key):
        return Sample(f"{self._name}[{key}]")

    def __iter__(self):
        return iter([Sample(f"{self._name}.0"), Sample(f"{self._name}.1")])

    def __len__(self):
        return 2

    def __str__(self):
        return f"«{self._name}»"


# Counts are numbers in every real context: a plural ({% blocktranslate count %}, issue 17) needs one.
NUMBERS = {"count": 2, "days": 2, "students": 3, "no_photo": 1, "threshold": 2, "window": 7, "grace": 14, "after": 30}
LOOPS_OF_TUPLES = {
    "requests": [(Sample("request.0"), 3), (Sample("request.1"), 1)],
    "cases": [(Sample("case.0"), 2, 9), (Sample("case.1"), 1, 1)],
}


class Context(dict):
    def __missing__(self, key):
        if key in NUMBERS:
            return NUMBERS[key]
        if key in LOOPS_OF_TUPLES:
            return LOOPS_OF_TUPLES[key]
        return Sample(key)

    def __contains__(self, key):  # the template engine asks before it reads
        return True


def _source_kinds() -> set[str]:
    """Kinds named literally in the apps' code (`kind="x.y"`). allauth's own e-mails (`account.*`)
    pass through the outbox already rendered by allauth's templates (notifications/adapters.py)."""
    found = set()
    apps = [p.parent for p in Path(settings.BASE_DIR).glob("*/apps.py")]
    for path in (f for app in apps for f in app.glob("**/*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found |= set(re.findall(r'kind="([a-z_]+\.[a-z_.]+)"', path.read_text()))
    return {kind for kind in found if not kind.startswith("account.")}


def test_there_are_kinds():
    assert len(KINDS) > 30


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_a_one_line_subject_and_a_body(kind):
    assert (TEMPLATES / kind / "subject.txt").is_file() and (TEMPLATES / kind / "body.txt").is_file()
    subject, body = render_notification(kind, Context({**NUMBERS, **LOOPS_OF_TUPLES}))
    assert subject and "\n" not in subject
    assert body


def test_every_kind_named_in_the_code_has_its_templates():
    missing = sorted(k for k in _source_kinds() if k not in KINDS)
    assert missing == []


@pytest.mark.django_db
def test_an_email_has_a_plain_text_part_and_an_html_alternative(teacher):
    from notifications.services import notify

    notification = notify(
        recipient=teacher, kind="event.cancelled", context={"event": {"title": "Concert"}}, url="/outreach/events/1/"
    )
    message = email_message(notification)
    assert "Concert was cancelled" in message.subject
    assert message.body.startswith(notification.body) and "/outreach/events/1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Open in the portal" in html and "Concert" in html
