"""The registry in French (issue 17): a person whose language is fr-ca reads every registry page, message
and export label in French; English stays the default; platform rules are data in both languages."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from registry.models import RegistryEntry
from registry.sweeps import plan_reviews

FRENCH = "fr-ca"


@pytest.fixture
def in_french():
    """`in_french(user)`: the user chose French (User.language), as the language switch saves it."""

    def _choose(user):
        user.language = FRENCH
        user.save(update_fields=["language"])
        return user

    return _choose


def _page(client, url, **kwargs):
    """The page's own content (the navigation bar and shared includes belong to the shell's translation)."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    html = response.content.decode()
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_registry_list_is_in_french_for_a_french_principal(entry, principal, client_for, in_french):
    html = _page(client_for(in_french(principal)), reverse("registry:list"))
    assert "Registre des comptes" in html
    assert "Exporter en CSV" in html and "Importer un CSV" in html
    assert "Rechercher et filtrer le registre" in html
    assert "1 compte</caption>" in html
    assert "Prochaine revue" in html and "Nom d’utilisateur de connexion" in html
    assert "Account registry" not in html and "Export CSV" not in html and "Next review" not in html


def test_the_registry_list_stays_in_english_by_default(entry, principal, client_for):
    html = _page(client_for(principal), reverse("registry:list"))
    assert "Account registry" in html and "Registre des comptes" not in html


def test_my_accounts_is_in_french(entry, teacher, client_for, in_french):
    html = _page(client_for(in_french(teacher)), reverse("registry:mine"))
    assert "Mes comptes" in html and "Comptes actuels" in html and "Votre rôle" in html
    assert "Propriétaire" in html and "Actif" in html  # the role, and the status badge (a model choice)
    assert "@Room12News sur Instagram" in html  # the account's name (RegistryEntry.__str__)
    assert "My accounts" not in html and "Current accounts" not in html and " on Instagram" not in html


def test_the_account_page_is_in_french(entry, teacher, client_for, in_french):
    html = _page(client_for(in_french(teacher)), reverse("registry:detail", args=[entry.pk]))
    assert "Le compte" in html and "Coadministrateurs" in html and "Identifiants" in html
    assert "Revue du site (§1.2.1.3)" in html and "Toujours utilisé et à jour" in html
    assert "Réseau privé (§1.4.4)" in html  # privacy choice
    # (The history's audit details are the audit trail's own text.)
    for english in ("The account", ">Co-administrators<", "Login details", "Still in use and current", ">History<"):
        assert english not in html


def test_the_account_page_for_a_principal_is_in_french(entry, principal, client_for, in_french):
    html = _page(client_for(in_french(principal)), reverse("registry:detail", args=[entry.pk]))
    assert "Direction ou superviseur" in html and "Transférer la propriété" in html
    assert "Historique" in html and "Rétroaction et mesures (§1.4.2)" in html
    assert "Principal or supervisor" not in html and "Transfer ownership" not in html


def test_a_french_user_sees_the_french_platform_rules(entry, teacher, client_for, in_french):
    entry.platform.rules = "Users must be 13 or older."
    entry.platform.rules_fr = "Les utilisateurs doivent avoir 13 ans ou plus."
    entry.platform.save()
    url = reverse("registry:detail", args=[entry.pk])
    english = _page(client_for(teacher), url)
    assert "Users must be 13 or older." in english and "13 ans ou plus" not in english
    french = _page(client_for(in_french(teacher)), url)
    assert "Les utilisateurs doivent avoir 13 ans ou plus." in french and "Users must be 13" not in french


def test_the_english_platform_rules_are_the_fallback_when_the_french_is_empty(entry, teacher, client_for, in_french):
    entry.platform.rules = "Users must be 13 or older."
    entry.platform.rules_fr = ""
    entry.platform.save()
    html = _page(client_for(in_french(teacher)), reverse("registry:detail", args=[entry.pk]))
    assert "Users must be 13 or older." in html
    assert "Le compte" in html  # the page itself is French


def test_the_localized_filter_reads_the_french_only_while_french_is_active(platform):
    from django.template import Context, Template

    platform.rules, platform.rules_fr = "English rules", "Règles en français"
    template = Template('{% load data_i18n %}{{ platform|localized:"rules" }}')
    with translation.override("en-ca"):
        assert template.render(Context({"platform": platform})) == "English rules"
    with translation.override(FRENCH):
        assert template.render(Context({"platform": platform})) == "Règles en français"
        platform.rules_fr = ""
        assert template.render(Context({"platform": platform})) == "English rules"


def test_the_admin_edits_the_french_rules_next_to_the_english(platform, district_admin, client_for):
    html = _page(client_for(district_admin), reverse("admin:catalogue_platform_change", args=[platform.pk]))
    assert 'name="rules"' in html and 'name="rules_fr"' in html


def test_registering_is_in_french_with_a_french_confirmation(
    approved_request, teacher, colleague, client_for, in_french
):
    client = client_for(in_french(teacher))
    url = reverse("registry:register", args=[approved_request.pk])
    html = _page(client, url)
    assert "Enregistrer le compte" in html and "Courriel de connexion" in html and "Annuler" in html
    assert "Register the account" not in html and "Login e-mail" not in html
    data = {
        "handle": "room12fr",
        "login_username": "room12fr",
        "login_email": "room12fr@sd.example",
        "privacy": "private",
        "comment_setting": "off",
        "co_admins": [colleague.pk],
    }
    done = client.post(url, data, follow=True).content.decode()
    assert "@room12fr sur Instagram est enregistré. Votre direction ou votre superviseur en a été informé." in done


def test_a_refusal_from_the_services_reaches_a_french_user_in_french(entry, teacher, client_for, in_french):
    client = client_for(in_french(teacher))
    response = client.post(reverse("registry:review", args=[entry.pk]), {"outcome": "current"}, follow=True)
    html = response.content.decode()
    assert "Confirmez que le site affiche toujours son identification" in html
    assert "Confirm that the site still shows" not in html


def test_the_review_confirmation_gives_the_next_date_in_french(entry, teacher, client_for, in_french):
    client = client_for(in_french(teacher))
    response = client.post(
        reverse("registry:review", args=[entry.pk]),
        {"outcome": "current", "identification_confirmed": "on"},
        follow=True,
    )
    entry.refresh_from_db()
    with translation.override(FRENCH):
        from django.utils.formats import date_format

        due = date_format(entry.next_review_due, "DATE_FORMAT")
    assert f"Merci\u00a0: revue enregistrée. La prochaine est prévue le {due}." in response.content.decode()


def test_the_import_page_and_its_row_problems_are_in_french(platform, principal, client_for, in_french):
    client = client_for(in_french(principal))
    html = _page(client, reverse("registry:import"))
    assert "Importer des comptes d’un tableur" in html and "Colonnes requises dans le fichier" in html
    assert "Import accounts from a spreadsheet" not in html
    text = (
        "unit,platform,handle,owner_email,login_username,login_email\n"
        "nowhere,Instagram,x,teacher@sd.example,x,x@sd.example\n"
    )
    upload = SimpleUploadedFile("old.csv", text.encode(), content_type="text/csv")
    preview = client.post(reverse("registry:import"), {"file": upload}).content.decode()
    assert "L’unité «\u00a0nowhere\u00a0» n’est pas une unité dont vous tenez le registre." in preview
    assert "Ligne" in preview and "Problèmes" in preview and "is not one whose registry you keep" not in preview


def test_a_french_export_keeps_the_english_headers_and_the_codes(entry, principal, client_for, in_french):
    """Column headers are machine-readable and stay English; privacy, comments and status are codes the
    import reads back (private, off, active), so they stay codes in every language."""
    response = client_for(in_french(principal)).get(reverse("registry:export"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert rows[0][:4] == ["unit", "platform", "site_name", "handle"]
    assert row["status"] == "active" and row["privacy"] == "private" and row["comment_setting"] == "off"
    assert row["password_recorded"] == "yes"


def test_the_official_check_is_in_french_for_a_french_browser(public_entry, client):
    url = reverse("registry:official_check")
    html = _page(client, url, query_params={"q": "ridgeviewnews"}, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert "Ce compte est-il un compte officiel du district scolaire?" in html
    assert "Oui\u00a0: un compte officiel du district scolaire" in html
    assert "@RidgeviewNews sur Instagram\u00a0: Ridgeview Elementary" in html
    assert "Is this an official district account?" not in html and "Yes: an official district account" not in html


def test_the_overdue_review_escalation_is_described_in_the_approvers_language(entry, principal, in_french):
    """The sweep runs in English; each approver's message is written in their own language."""
    in_french(principal)
    day = timezone.localdate()
    RegistryEntry.objects.filter(pk=entry.pk).update(next_review_due=day - datetime.timedelta(days=60))
    escalation = next(p for p in plan_reviews(day).planned if p.kind == "escalation.review")
    overdue = (day - datetime.timedelta(days=60)).isoformat()
    assert escalation.recipient == principal
    assert f"revue en retard depuis le {overdue}" in escalation.body
    assert "review overdue since" not in escalation.body


def test_the_approvers_home_tiles_are_in_french(entry, principal, client_for, in_french):
    RegistryEntry.objects.filter(pk=entry.pk).update(next_review_due=timezone.localdate() - datetime.timedelta(days=1))
    from django.template import Context, Template

    with translation.override(FRENCH):
        html = Template("{% load registry_tags %}{% registry_approver_stats %}").render(Context({"user": principal}))
    assert "revue du site en retard" in html
    assert "compte désactivé" in html  # zero is singular in French
    assert "site review overdue" not in html


def test_the_changed_login_details_are_named_in_the_recipients_language(entry, teacher, monkeypatch):
    """The e-mail's context names the changed fields by their labels, translated when it is rendered."""
    from registry import services
    from registry.services import _common

    contexts = []
    monkeypatch.setattr(_common, "notify", lambda **kwargs: contexts.append(kwargs["context"]))
    services.update_credentials(
        actor=teacher,
        entry=entry,
        login_username="room12-new",
        login_email=entry.login_email,
        recovery_email=entry.recovery_email,
        password="",
    )
    assert contexts and contexts[0]["fields"] == ["login_username"]
    with translation.override(FRENCH):
        assert [str(label) for label in contexts[0]["field_labels"]] == ["nom d’utilisateur de connexion"]
    with translation.override("en-ca"):
        assert [str(label) for label in contexts[0]["field_labels"]] == ["login username"]


@pytest.mark.parametrize(
    ("view", "french", "english"),
    [
        ("registry:enforce", ["Rétroaction, désactivation ou suppression", "Désactiver le compte", "Motif"], "Reason"),
        ("registry:transfer", ["Transférer la propriété", "Nouveau propriétaire", "Transférer"], "New owner"),
        ("registry:credentials", ["Enregistrer de nouveaux identifiants", "Nouveau mot de passe"], "New password"),
    ],
)
def test_the_principals_account_pages_are_in_french(entry, principal, client_for, in_french, view, french, english):
    html = _page(client_for(in_french(principal)), reverse(view, args=[entry.pk]))
    for text in french:
        assert text in html
    assert english not in html and "Cancel" not in html and "Annuler" in html


def test_the_revealed_login_details_are_in_french(entry, teacher, reauthenticated, in_french):
    response = reauthenticated(in_french(teacher)).post(reverse("registry:reveal", args=[entry.pk]), {"reason": ""})
    html = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert "Identifiants de @Room12News sur Instagram" in html
    assert "Cette consultation a été inscrite au journal d’audit." in html
    assert 'data-copied-label="Copié"' in html and ">Copier</button>" in html and "Terminé" in html
    assert "Login details of" not in html and ">Copy<" not in html and ">Done<" not in html
