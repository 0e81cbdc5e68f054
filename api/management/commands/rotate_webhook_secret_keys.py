"""Re-encrypt every webhook signing secret with the newest key of CREDENTIAL_ENCRYPTION_KEYS.

The companion of registry's `rotate_credential_keys` (SECURITY.md, rotation): run both before
dropping an old key. Safe to run twice; a row changed meanwhile is left as it is (conditional UPDATE).
Nothing secret is printed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.models import WebhookEndpoint
from registry.fields import CredentialKeyError, Secret, is_current, rotate


class Command(BaseCommand):
    help = "Re-encrypt every webhook signing secret with the newest credential key."

    def handle(self, *args, **options):
        rotated = skipped = 0
        failed: list[int] = []
        for pk, secret in WebhookEndpoint.objects.values_list("pk", "secret").order_by("pk").iterator():
            if not secret or is_current(secret.token):
                skipped += 1
                continue
            try:
                new_token = rotate(secret.token)
            except CredentialKeyError:
                failed.append(pk)
                continue
            with transaction.atomic():
                changed = WebhookEndpoint.objects.filter(pk=pk, secret=Secret.from_token(secret.token)).update(
                    secret=Secret.from_token(new_token)
                )
            rotated += changed
            skipped += not changed
        if failed:
            raise CommandError(
                f"{len(failed)} webhook secret(s) could not be decrypted with any configured key "
                f"(endpoints {', '.join(map(str, failed[:20]))}): add their key back and run again."
            )
        self.stdout.write(f"Re-encrypted {rotated} webhook secret(s) with the newest key; {skipped} unchanged.")
