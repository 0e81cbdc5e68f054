"""Re-encrypt every stored credential with the newest key of CREDENTIAL_ENCRYPTION_KEYS.

Rotation (SECURITY.md): put the new key first, keep the old ones after it, restart, run this
command, then drop the old keys. Safe to run twice. Each row is rewritten with a conditional
UPDATE (only if its token is still the one we read), so a password changed meanwhile is kept.
Nothing secret is printed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.fields import CredentialKeyError, Secret, is_current, rotate
from registry.models import RegistryEntry


class Command(BaseCommand):
    help = "Re-encrypt every stored account password with the newest credential key."

    def handle(self, *args, **options):
        rotated = skipped = 0
        failed: list[int] = []
        rows = RegistryEntry.objects.exclude(password="").values_list("pk", "password").order_by("pk")
        for pk, secret in rows.iterator(chunk_size=500):
            if is_current(secret.token):
                skipped += 1
                continue
            try:
                new_token = rotate(secret.token)
            except CredentialKeyError:
                failed.append(pk)
                continue
            with transaction.atomic():
                changed = RegistryEntry.objects.filter(pk=pk, password=Secret.from_token(secret.token)).update(
                    password=Secret.from_token(new_token)
                )
            if changed:
                rotated += 1
            else:
                skipped += 1
        if failed:
            raise CommandError(
                f"{len(failed)} credential(s) could not be decrypted with any configured key "
                f"(registry entries {', '.join(map(str, failed[:20]))}). Nothing else is wrong with them: "
                "add the key they were written with to CREDENTIAL_ENCRYPTION_KEYS and run again."
            )
        self.stdout.write(f"Re-encrypted {rotated} credential(s) with the newest key; {skipped} unchanged.")
