"""The portal in Canadian French (issue 17), end to end.

(a) A reminder sweep writes to each person in their own language: a French teacher's comment check-in
    reminder (AP 1311 §1.4.3) has a French subject, body and HTML part; her English colleague's, in
    the same run, stays English.
(b) Every main page of every role, GET as a user whose language is fr-ca, shows no English: its visible
    text (tags, scripts and styles removed) holds none of a list of common English words that French
    never uses. The pages are the authorization matrix's (tests/security/test_authorization_matrix.py)
    that answer 200 to the role, plus the sign-in, account, error and API pages.
"""

import datetime
import html
import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from notifications.models import Notification
from notifications.services import deliver_email
from notifications.sweeps import run_sweep
from tests.security.test_authorization_matrix import MATRIX

FRIDAY = datetime.date(2026, 11, 27)

# Common English words that are not French words either (so "on", "a", "site", "date", "page", "portal"
# ... are not here): any of them in a French page is text that escaped translation.
ENGLISH = {
    "the", "and", "your", "with", "this", "you", "are", "has", "have", "will", "from", "been", "must",
    "which", "when", "there", "what", "who", "not", "for", "all", "any", "yes", "request", "requests",
    "account", "accounts", "school", "schools", "sign", "signed", "password", "show", "back", "home",
    "registry", "approved", "pending", "waiting", "decision", "decisions", "review", "reviews", "owner",
    "nothing", "yet", "new", "open", "more", "only", "here", "should", "would", "could", "their", "they",
    "our", "out", "about", "into", "than", "then", "these", "those", "each", "every", "after", "before",
    "still", "need", "needs", "please", "status", "search", "clear", "filter", "filters", "next",
    "previous", "unread", "read", "mark", "my", "of", "to", "is", "it", "by", "or", "in", "at", "be",
    "we", "was", "how", "why", "where", "done", "add", "edit", "delete", "save", "cancel", "submit",
    "approve", "reject", "withdraw", "details", "none", "today", "days", "week", "month", "year",
}  # fmt: skip

# Data, not text: names the fixture district gives its people, units, platforms and objects.
WORD = re.compile(r"[A-Za-zÀ-ÿ’']+")


def visible_text(page: str) -> str:
    """What a person reads: the body without scripts, styles, tags and entities."""
    body = re.split(r"<body\b[^>]*>", page, maxsplit=1)[-1]
    # Scripts and styles are not read; code to copy (<code>, <pre>) is not prose either.
    body = re.sub(r"<(script|style|template|code|pre)\b.*?</\1\s*>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"https?://\S+", " ", html.unescape(body))  # addresses are not words


def english_words(page: str, data: set[str]) -> list[str]:
    words = WORD.findall(visible_text(page))
    return sorted({w for w in words if w.lower() in ENGLISH and w not in data})


def test_the_check_finds_english():
    page = "<html><body><h1>Your requests</h1><p>Vos demandes, à l’école</p><script>var the = 1;</script></body>"
    assert english_words(page, set()) == ["Your", "requests"]
    assert english_words("<body><p>Vos demandes et votre compte</p></body>", set()) == []


# --- (a) a reminder sweep in each person's language -------------------------------------------------


@pytest.mark.django_db
def test_a_french_teacher_gets_her_reminder_in_french_and_her_colleague_in_english(
    make_entry, teacher, colleague, school_a, long_ago
):
    teacher.language = "fr-ca"
    teacher.save(update_fields=["language"])
    make_entry(teacher, school_a, handle="classe5a", registered=long_ago)
    make_entry(colleague, school_a, handle="room3", registered=long_ago)

    run_sweep("moderation", day=FRIDAY)

    french = Notification.objects.get(recipient=teacher, kind="reminder.moderation")
    english = Notification.objects.get(recipient=colleague, kind="reminder.moderation")
    assert french.subject == "Vérification des commentaires à faire pour 1 compte"
    assert "l’AP 1311 §1.4.3 vous demande donc de les lire et de les modérer" in french.body
    assert "@classe5a" in french.body and "Comments are on" not in french.body
    assert english.subject == "Comment check-in due for 1 account"
    assert english.body.startswith("Comments are on or moderated on these accounts, so AP 1311 §1.4.3")

    deliver_email(french.pk)
    deliver_email(english.pk)
    by_address = {m.to[0]: m for m in mail.outbox}
    to_teacher, to_colleague = by_address[teacher.email], by_address[colleague.email]
    assert to_teacher.subject == french.subject
    assert to_teacher.body.startswith("Les commentaires sont ouverts ou modérés")
    assert to_teacher.body.rstrip().endswith("Portail AP 1311 Médias sociaux pour l’apprentissage")
    (french_html, mimetype), (english_html, _) = to_teacher.alternatives[0], to_colleague.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr-ca">' in french_html and "Ouvrir dans le portail" in french_html
    assert "Vous recevez ce message en raison de votre rôle selon l’AP 1311" in french_html
    # The frame and the sentences are French; the account lines ("- @classe5a (Instagram, …), today:")
    # hold the moderation sweep's own words, which the moderation app translates.
    frame = "\n".join(line for line in french_html.splitlines() if "@classe5a" not in line)
    assert english_words(frame, {"classe5a"}) == []
    assert "Open in the portal" in english_html and "You receive this because of your role" in english_html
    assert to_colleague.body.rstrip().endswith("AP 1311 Social Media for Learning portal")


# --- (b) every main page of every role, in French --------------------------------------------------

ROLES = ["employee_a", "approver_a", "comms", "district_admin"]
# HTML pages outside the matrix (allauth's and the error pages), per role: (name, url, expected status).
EXTRA_PAGES = [
    ("account_change_password", None, 200),
    ("mfa_index", None, 200),
    ("account_logout", None, 200),
    ("not_found", "/no-such-page/", 404),
]
ANONYMOUS_PAGES = [("account_login", None, 200), ("account_signup", None, 200), ("landing", None, 200)]
# A script, an OpenAPI document and CSV files (their headers stay English: machine-readable), not pages.
NOT_PAGES = {"javascript-catalog", "api:schema"}


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    """The security tests' fixture district (tests/security/district.py), built once for this module
    as French speakers would have lived it: whatever it wrote to people (notifications) is in French.
    Rolled back at the end of the module, like tests/security/conftest.py's."""
    from tests.security.district import build_district

    with django_db_blocker.unblock(), transaction.atomic():
        hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        with override_settings(PASSWORD_HASHERS=hashers, LANGUAGE_CODE="fr-ca"):
            built = build_district()
        yield built
        transaction.set_rollback(True)


def _main_pages():
    for role in ROLES:
        for name, (method, kwargs_builder, expected) in sorted(MATRIX.items()):
            if method == "GET" and expected[role] == 200 and name not in NOT_PAGES and not name.endswith("export"):
                yield pytest.param(role, name, kwargs_builder, None, 200, id=f"{role}-{name}")
        for name, url, status in EXTRA_PAGES:
            yield pytest.param(role, name, None, url, status, id=f"{role}-{name}")
    for name, url, status in ANONYMOUS_PAGES:
        yield pytest.param("anonymous", name, None, url, status, id=f"anonymous-{name}")


def _data_words(d) -> set[str]:
    """The names of the fixture district's people, units, platforms and objects (data stays as written)."""
    from accounts.models import OrgUnit, User
    from catalogue.models import Platform

    names = [str(x) for model in (OrgUnit, Platform) for x in model.objects.all()]
    names += [f"{u.first_name} {u.last_name} {u.email}" for u in User.objects.all()]
    names += [str(v) for v in vars(d).values() if hasattr(v, "pk")]
    # What requesters typed (the request's own words) is data too.
    from approvals.models import AccountRequest

    typed = ("title", "description", "intended_audience", "identification_text", "mission_alignment")
    names += [str(text) for row in AccountRequest.objects.values_list(*typed) for text in row]
    # The wording a requester acknowledged is evidence, shown as it was read (here, in English).
    from approvals.models import Acknowledgement

    names += list(Acknowledgement.objects.values_list("statement_text", flat=True))
    return {w for text in names for w in WORD.findall(text)}


def _french_page(client, district, role, name, kwargs_builder, url, status) -> str:
    """The page, GET as `role` whose language is fr-ca (anonymous: with the switch's cookie)."""
    url = url or reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None)
    if role == "anonymous":
        client.cookies["django_language"] = "fr-ca"
    else:
        user = getattr(district, role)
        type(user).objects.filter(pk=user.pk).update(language="fr-ca")
        user.refresh_from_db()
        client.force_login(user)
    with override_settings(DEBUG=False):
        response = client.get(url, follow=False)
    assert response.status_code == status
    page = response.content.decode()
    assert re.search(r'<html lang="fr-ca"', page), "the page is not in French"
    return page


@pytest.mark.django_db
@pytest.mark.parametrize("role, name, kwargs_builder, url, status", list(_main_pages()))
def test_the_shell_of_every_main_page_is_french(district, client, role, name, kwargs_builder, url, status):
    """The navigation bar, its menus, the language switch and the footer (base.html, includes/)."""
    page = _french_page(client, district, role, name, kwargs_builder, url, status)
    shell = "".join(re.findall(r"<(?:header|footer)\b.*?</(?:header|footer)>", page, flags=re.S))
    if name != "api:docs":  # Swagger UI's page has no portal navigation
        assert "<nav" in shell and "Portail AP 1311" in shell
    assert english_words(f"<body>{shell}</body>", _data_words(district)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role, name, kwargs_builder, url, status", list(_main_pages()))
def test_every_main_page_renders_in_french_with_no_english_left(
    district, client, role, name, kwargs_builder, url, status
):
    page = _french_page(client, district, role, name, kwargs_builder, url, status)
    left = english_words(page, _data_words(district))
    lines = [line.strip() for line in visible_text(page).splitlines() if set(WORD.findall(line)) & set(left)]
    assert left == [], f"English left for {role}: {left}, in:\n" + "\n".join(lines[:15])
