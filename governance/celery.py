"""The Celery app. Broker: Redis when REDIS_URL is set, otherwise kombu's file-system transport."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A worker that (re)connects to the broker flushes the outbox at once (notifications/worker.py).
app.steps["consumer"].add("notifications.worker:FlushOutboxOnConnect")
