"""Re-encrypt every webhook signing secret with the newest key of CREDENTIAL_ENCRYPTION_KEYS.

The companion of registry's `rotate_credential_keys` (SECURITY.md, rotation): run both before
dropping an old key. Safe to run twice (registry.fields.rotate_column). Nothing secret is printed.
"""

from django.core.management.base import BaseCommand, CommandError

from api.models import WebhookEndpoint
from registry.fields import rotate_column


class Command(BaseCommand):
    help = "Re-encrypt every webhook signing secret with the newest credential key."

    def handle(self, *args, **options):
        result = rotate_column(WebhookEndpoint.objects.all(), "secret")
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} webhook secret(s) could not be decrypted with any configured key "
                f"(endpoints {', '.join(map(str, result.failed[:20]))}): add their key back and run again."
            )
        self.stdout.write(
            f"Re-encrypted {result.rotated} webhook secret(s) with the newest key; {result.unchanged} unchanged."
        )
