"""Re-encrypt every stored credential with the newest key of CREDENTIAL_ENCRYPTION_KEYS.

Rotation (SECURITY.md): put the new key first, keep the old ones after it, restart, run this
command, then drop the old keys. Safe to run twice (registry.fields.rotate_column: a password
changed meanwhile is kept). Nothing secret is printed.
"""

from django.core.management.base import BaseCommand, CommandError

from registry.fields import rotate_column
from registry.models import RegistryEntry


class Command(BaseCommand):
    help = "Re-encrypt every stored account password with the newest credential key."

    def handle(self, *args, **options):
        result = rotate_column(RegistryEntry.objects.all(), "password")
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} credential(s) could not be decrypted with any configured key "
                f"(registry entries {', '.join(map(str, result.failed[:20]))}). Nothing else is wrong with them: "
                "add the key they were written with to CREDENTIAL_ENCRYPTION_KEYS and run again."
            )
        self.stdout.write(
            f"Re-encrypted {result.rotated} credential(s) with the newest key; {result.unchanged} unchanged."
        )
