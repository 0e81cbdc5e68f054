"""The outbox flush moves from every 5 minutes to every minute (issue 12: e-mails go out within a minute
of the broker coming back). setup_schedules keeps the times admins set, so an existing schedule still on
the old 5-minute default is moved here; one an admin changed to something else is left alone."""

from django.db import migrations

FLUSH_TASK = "notifications.tasks.flush_outbox"


def every_minute(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    old = PeriodicTask.objects.filter(task=FLUSH_TASK, interval__every=5, interval__period="minutes")
    if old.exists():
        minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
        old.update(interval=minute)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_outbox_republish_and_signin_emails"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_minute, migrations.RunPython.noop)]
