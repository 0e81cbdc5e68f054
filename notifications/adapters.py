"""allauth's own e-mails (password reset, address confirmation, "you already have an account")
go through the outbox like every other e-mail of the portal: recorded, sent after the request by the
worker, retried when SMTP fails, never lost.

The adapter extends the district one from accounts (which keeps sign-in to district addresses,
§1.1.1); it lives here because the outbox sits above accounts in the layers.
"""

import logging

from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from accounts.adapters import DistrictAccountAdapter
from accounts.models import User

from .services import create_notification

logger = logging.getLogger(__name__)


def _recipient(user, email: str) -> User | None:
    if isinstance(user, User) and user.pk:
        return user
    return User.objects.filter(email__iexact=email).first()


class OutboxAccountAdapter(DistrictAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's message as allauth would, then queue it in the outbox.

        The notification is e-mail only (not listed in the portal; its text, which holds a one-time
        link, is hidden in the admin and erased once sent). An address that is not the recipient's
        own (a new address being confirmed) is where the e-mail goes.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        recipient = _recipient(ctx.get("user"), email)
        if recipient is None:
            # Nobody has this address (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS is off, so this is unusual):
            # there is no one to record it for, so it is sent as allauth would.
            logger.info("Sending %s directly: no portal user has the address", template_prefix)
            message.send()
            return
        create_notification(
            recipient=recipient,
            kind=f"account.{template_prefix.rsplit('/', 1)[-1]}",
            subject=message.subject,
            body=message.body,
            email_to="" if email.lower() == recipient.email.lower() else email,
            email_only=True,
        )
