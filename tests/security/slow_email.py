"""An e-mail backend for the worker-killed fault test, used by a Celery worker subprocess through
EMAIL_BACKEND=tests.security.slow_email.SlowEmailBackend.

It writes `started-*` in SLOW_EMAIL_DIR when a send begins, waits SLOW_EMAIL_SECONDS (the moment the
test kills the worker), then writes one `sent-*.eml` file per message: the files are the e-mails that
really went out.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["SLOW_EMAIL_DIR"])
        (folder / f"started-{os.getpid()}-{uuid.uuid4().hex}").write_text("sending")
        time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "0")))
        for message in email_messages:
            (folder / f"sent-{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
