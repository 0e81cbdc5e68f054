"""A French journey in the browser (issue 17): the demo principal switches the sign-in page to French,
signs in, and moves through her home and her notifications, all in French; at phone width the navbar
with the language switch still fits. Then, in French, she decides a teacher's request (§1.4.6) and reads
her school's compliance report from the dashboard, and the teacher is told in French.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from approvals import services
from approvals.acknowledgements import active_statements
from approvals.models import AccountRequest
from catalogue.models import Platform
from notifications.models import Notification


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_a_french_principal_signs_in_and_reads_her_notifications_in_french(page, live_server, demo):
    page.goto(f"{live_server.url}/auth/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en-ca")
    page.get_by_role("button", name="Français").click()

    # The sign-in page, in French: the switch now offers English, named in English.
    expect(page.locator("html")).to_have_attribute("lang", "fr-ca")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.get_by_text("Connectez-vous avec votre adresse du district scolaire")).to_be_visible()
    page.get_by_label("Courriel").fill("principal@sd.example")
    page.get_by_label("Mot de passe").fill("demo-pass-1311")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/home/")

    # Signing in kept the choice, and saved it on her account (PreferredLanguageMiddleware).
    expect(page.locator("html")).to_have_attribute("lang", "fr-ca")
    assert User.objects.get(email="principal@sd.example").language == "fr-ca"
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")
    expect(navigation.get_by_role("link", name="Décisions")).to_be_visible()
    navigation.get_by_role("button", name="Mon école").click()
    expect(page.get_by_role("link", name="Tableau de bord et conformité")).to_be_visible()
    expect(page.get_by_role("link", name="Journal d’audit", exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_text("Met en œuvre la procédure AP 1311 du district")).to_be_visible()

    # Home → notifications, through the bell.
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Tout marquer comme lu")).to_be_visible()
    page.get_by_role("link", name="Non lues seulement").click()
    expect(page).to_have_url(re.compile(r"\?unread=1$"))
    expect(page.get_by_role("link", name="Tout afficher")).to_be_visible()
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"notifications? marquées? comme lues?"))

    # At phone width the navbar (switch, bell, account menu, menu button) fits on one line.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/home/")
    switch = page.get_by_role("button", name=re.compile("English"))
    expect(switch).to_be_visible()
    expect(switch).to_contain_text("EN")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    boxes = [
        page.locator(selector).bounding_box()
        for selector in (".navbar-brand", ".language-switch button", ".nav-account .dropdown-toggle", ".navbar-toggler")
    ]
    assert all(box["x"] + box["width"] <= 360 for box in boxes)
    assert len({round(box["y"] + box["height"] / 2) // 20 for box in boxes[1:]}) == 1  # one row
    page.get_by_role("button", name="Menu", exact=True).click()
    expect(page.get_by_role("link", name="Accueil")).to_be_visible()

    # And back to English with the switch: the choice is saved again.
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "en-ca")
    assert User.objects.get(email="principal@sd.example").language == "en-ca"


DEMO_PEOPLE = [
    "teacher@sd.example",
    "teacher2@sd.example",
    "principal@sd.example",
    "comms@sd.example",
    "admin@sd.example",
]


def test_the_navbar_fits_in_both_languages_for_every_demo_role(browser, live_server, demo):
    """French labels are longer: the bar (menus, switch, bell, account menu) still fits on one line at
    1280 px, and at 360 px brand, switch, bell, account menu and menu button share one row."""
    problems = []
    for email in DEMO_PEOPLE:
        for language in ("en-ca", "fr-ca"):
            User.objects.filter(email=email).update(language="")  # signing in saves the page's language
            context = browser.new_context(locale="en-CA")
            page = context.new_page()
            page.goto(f"{live_server.url}/auth/login/")
            if language == "fr-ca":
                page.get_by_role("button", name="Français").click()
            page.locator("input[name=login]").fill(email)
            page.locator("input[name=password]").fill("demo-pass-1311")
            page.locator("main button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/home/")
            for width, height in ((1280, 800), (360, 740)):
                page.set_viewport_size({"width": width, "height": height})
                page.goto(f"{live_server.url}/notifications/")
                where = f"{email} {language} at {width}px"
                assert page.locator("html").get_attribute("lang") == language, where
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    problems.append(f"{where}: {scroll} px wide")
                bar = page.locator("nav.navbar > .container").bounding_box()
                if bar["height"] > (60 if width == 1280 else 100):
                    problems.append(f"{where}: the bar is {bar['height']} px high (wraps)")
            context.close()
    assert problems == [], "\n".join(problems)


def _sign_in_in_french(page, live_server, email):
    page.goto(f"{live_server.url}/auth/login/")
    page.get_by_role("button", name="Français").click()
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill("demo-pass-1311")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/home/")


def test_a_french_principal_approves_a_request_and_reads_the_compliance_report_in_french(page, live_server, demo):
    teacher = User.objects.get(email="teacher@sd.example")
    User.objects.filter(pk=teacher.pk).update(language="fr-ca")  # the teacher reads French too
    draft = services.create_draft(
        requester=teacher,
        values={
            "org_unit": teacher.org_units.get(code="ridgeview"),
            "platform": Platform.objects.get(name="Edublogs"),
            "title": "Blogue de lecture de la classe 12",
            "school_based": True,
            "purpose": "instructional",
            "description": "Critiques de livres écrites par la classe.",
            "intended_audience": "Élèves et parents de la classe 12",
            "network": "private",
            "comment_setting": "moderated",
            "account_email": "room12@sd.example",
            "identification_text": "Site professionnel de l’école Ridgeview, classe 12.",
            "school_website_url": "https://ridgeview.sd.example",
        },
        acknowledged=[s.code for s in active_statements()],
    )
    services.submit_request(account_request=draft, user=teacher, language="fr-ca")

    _sign_in_in_french(page, live_server, "principal@sd.example")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Décisions").click()
    expect(page.get_by_role("heading", name="Décisions", level=1)).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Décider\W+Blogue de lecture de la classe 12$")).click()
    # The statements the teacher ticked, in the French she read them in (§1.2.3).
    expect(page.get_by_text("Je ne publierai ni renseignements personnels").first).to_be_visible()
    page.get_by_label("Approuver : le membre du personnel").check()
    page.get_by_role("button", name="Consigner la décision").click()
    expect(page.get_by_role("status")).to_contain_text("Vous avez approuvé « Blogue de lecture de la classe 12 »")
    assert AccountRequest.objects.get(pk=draft.pk).status == AccountRequest.Status.APPROVED
    told = Notification.objects.filter(recipient=teacher, kind="request.approved").latest("pk")
    assert "Blogue de lecture de la classe 12" in told.subject and "approuv" in told.subject.lower()

    # The dashboard, then the school's compliance report, in French.
    navigation = page.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("button", name="Mon école").click()
    page.get_by_role("link", name="Tableau de bord et conformité").click()
    expect(page.get_by_role("heading", name="Mes unités en un coup d’œil")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Conformité\W+.*Ridgeview")).click()
    expect(page.get_by_role("heading", name=re.compile("^Conformité à l’AP 1311"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr-ca")
    assert not re.search(r"\b(Status|Owner|Account|Platform)\b", page.locator("main").inner_text())
