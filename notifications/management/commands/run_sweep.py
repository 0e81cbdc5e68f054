from datetime import date

from django.core.management.base import BaseCommand, CommandError

from notifications.sweeps import WOULD_SEND, registered_sweeps, run_sweep


class Command(BaseCommand):
    help = "Run a reminder sweep by hand. --dry-run prints who would get what and sends nothing."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=[*registered_sweeps(), "all"])
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--date", help="District-local day to run for (YYYY-MM-DD); default today.")

    def handle(self, name, dry_run, date=None, **options):
        try:
            day = _parse(date) if date else None
        except ValueError as error:
            raise CommandError(f"--date: {error}") from None
        for sweep in registered_sweeps() if name == "all" else [name]:
            result = run_sweep(sweep, day=day, dry_run=dry_run)
            counts = result.summary()
            first = f"{result.count(WOULD_SEND)} would send" if dry_run else f"{counts['created']} new"
            self.stdout.write(
                f"{sweep} for {result.day}{' (dry run)' if dry_run else ''}: {counts['planned']} planned: "
                f"{first}, {counts['already_sent']} already sent, {counts['skipped']} skipped"
            )
            # Each reminder with what happened to it: new / would send / already sent (when) / skipped (why).
            for line in result.lines():
                self.stdout.write(f"  {line}")


def _parse(value: str) -> date:
    return date.fromisoformat(value)
