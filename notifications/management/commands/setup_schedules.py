import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from notifications.schedules import SCHEDULES


class Command(BaseCommand):
    help = (
        "Create the portal's periodic tasks in django-celery-beat (existing ones keep the times admins set; "
        "only their task and arguments follow the code)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for schedule in SCHEDULES:
            existing = PeriodicTask.objects.filter(name=schedule.name).first()
            if existing is not None:
                # Keep the times an admin set; follow a task that moved (e.g. to the run_sweep entry point).
                args = json.dumps(schedule.args or [])
                if (existing.task, existing.args) != (schedule.task, args):
                    existing.task, existing.args = schedule.task, args
                    existing.save(update_fields=["task", "args"])
                continue
            kwargs = {
                "name": schedule.name,
                "task": schedule.task,
                "description": str(schedule.description),  # in the default language
                "args": json.dumps(schedule.args or []),
            }
            if schedule.every_minutes:
                kwargs["interval"], _ = IntervalSchedule.objects.get_or_create(
                    every=schedule.every_minutes, period=IntervalSchedule.MINUTES
                )
            else:
                kwargs["crontab"], _ = CrontabSchedule.objects.get_or_create(
                    timezone=settings.TIME_ZONE, **schedule.crontab
                )
            PeriodicTask.objects.create(**kwargs)
            created += 1
        self.stdout.write(f"Periodic tasks: {created} created, {len(SCHEDULES) - created} already present.")
