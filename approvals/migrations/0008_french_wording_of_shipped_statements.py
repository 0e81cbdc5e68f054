# The French wording of the statements the portal ships with (version "2026-1", seeded by 0005), written
# beside the English (issue 17). Frozen history like 0005: only empty French fields are filled, so a
# district that wrote its own French keeps it; new wordings are new versions, made in the admin.

from django.db import migrations

SEED_VERSION = "2026-1"

# code: (wording, why it is asked)
STATEMENTS_FR = {
    "ap1201": (
        "J’ai lu et compris l’AP 1201, Utilisation acceptable des TI.",
        "§1.2.3\u00a0: avant la création d’un site professionnel, le personnel confirme connaître la procédure "
        "d’utilisation acceptable des TI du district.",
    ),
    "ap1201_a": (
        "J’ai lu l’annexe 1201 A, le formulaire d’autorisation du personnel pour l’accès aux TIC.",
        "Le §1.2.3 nomme cette annexe parmi les documents à lire d’abord.",
    ),
    "ap1201_b": (
        "J’ai lu l’annexe 1201 B, le formulaire d’autorisation des élèves pour l’accès aux TIC.",
        "Le §1.2.3 nomme cette annexe parmi les documents à lire d’abord.",
    ),
    "ap1201_c": (
        "J’ai lu l’annexe 1201 C, le formulaire de consentement des élèves aux médias et au site Web.",
        "Le §1.2.3 nomme cette annexe parmi les documents à lire d’abord.",
    ),
    "platform_rules": (
        "Je comprends les règles et les conditions de la plateforme que je demande à utiliser.",
        "§1.3.4\u00a0: connaître les conditions propres à la plateforme relève de votre responsabilité; "
        "cette page y mène.",
    ),
    "no_privacy": (
        "Je comprends que je ne peux m’attendre à aucune confidentialité dans l’usage de ce site professionnel.",
        "§1.4.1\u00a0: l’usage d’un site professionnel peut être examiné par le district.",
    ),
    "student_pii": (
        "Je ne publierai ni renseignements personnels ni photos d’élèves sans consentement (celui d’un parent "
        "lorsque l’élève n’a pas l’âge du consentement).",
        "§1.3.6\u00a0: rien qui identifie un élève n’est publié sans consentement.",
    ),
    "professional_use": (
        "J’utiliserai le site à des fins professionnelles seulement.",
        "§1.2.1.1\u00a0: les sites qui touchent des élèves servent des fins professionnelles seulement.",
    ),
    "student_accounts": (
        "Je ne consulterai pas les comptes personnels de médias sociaux de mes élèves.",
        "§1.2.1.2\u00a0: le personnel ne regarde pas les comptes personnels de ses élèves.",
    ),
    "daily_monitoring": (
        "Si les commentaires sont activés, je les surveillerai chaque jour; s’ils sont modérés, régulièrement.",
        "§1.4.3\u00a0: commentaires désactivés ou modérés est le réglage recommandé; les commentaires activés sont lus "
        "chaque jour.",
    ),
}


def add_french(apps, schema_editor):
    PolicyVersion = apps.get_model("approvals", "PolicyVersion")
    for code, (wording, why) in STATEMENTS_FR.items():
        PolicyVersion.objects.filter(code=code, version=SEED_VERSION, wording_fr="").update(wording_fr=wording)
        PolicyVersion.objects.filter(code=code, version=SEED_VERSION, why_fr="").update(why_fr=why)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0007_french_wording_and_labels")]

    operations = [migrations.RunPython(add_french, migrations.RunPython.noop)]
