"""The e-mail backend of the load-and-fault script (benchmarks/load_faults.py): one `.eml` file per
message in LOAD_MAIL_DIR, written after an optional LOAD_MAIL_SECONDS pause (so that killing the
worker can catch an e-mail mid-send). The files are the e-mails that really went out."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FileEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["LOAD_MAIL_DIR"])
        time.sleep(float(os.environ.get("LOAD_MAIL_SECONDS", "0")))
        for message in email_messages:
            name = folder / f"{uuid.uuid4().hex}.eml"
            partial = name.with_suffix(".part")
            partial.write_bytes(message.message().as_bytes())
            partial.rename(name)  # a file is there whole or not at all
        return len(email_messages)
