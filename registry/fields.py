"""Credentials encrypted at rest (AP 1311 §1.4.5 asks principals to keep account passwords).

`EncryptedTextField` stores a Fernet token (AES-128-CBC + HMAC-SHA256) made with
`cryptography.fernet.MultiFernet` over `settings.CREDENTIAL_ENCRYPTION_KEYS`: the first key
encrypts, every key decrypts, so keys rotate without downtime (`manage.py rotate_credential_keys`).

On the model the value is a `Secret`, never a plain string: its `str()` and `repr()` are a mask, so
the plaintext cannot leak into templates, the admin, logs or error pages by accident. Only
`Secret.reveal()` decrypts, and a token that no configured key opens raises `CredentialKeyError`:
we never hand back ciphertext as if it were the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.query_utils import DeferredAttribute
from django.views.decorators.debug import sensitive_variables

MASK = "••••••••"


class CredentialKeyError(Exception):
    """A stored credential cannot be decrypted with any configured key."""


def get_fernet() -> MultiFernet:
    keys = list(getattr(settings, "CREDENTIAL_ENCRYPTION_KEYS", None) or [])
    if not keys:
        raise ImproperlyConfigured(
            "Set CREDENTIAL_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first); see SECURITY.md."
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured("CREDENTIAL_ENCRYPTION_KEYS holds a malformed Fernet key.") from error


# sensitive_variables(): error reports (500 e-mails, logs) never show these frames' values.
@sensitive_variables()
def encrypt(plaintext: str) -> str:
    return get_fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


@sensitive_variables()
def decrypt(token: str) -> str:
    try:
        return get_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as error:
        # Never fall back to returning the token: a wrong key is an operational error.
        raise CredentialKeyError(
            "A stored credential cannot be decrypted with the configured keys (CREDENTIAL_ENCRYPTION_KEYS)."
        ) from error


def is_current(token: str) -> bool:
    """True when the newest key opens the token (nothing to rotate)."""
    keys = list(getattr(settings, "CREDENTIAL_ENCRYPTION_KEYS", None) or [])
    if not keys:
        return False
    try:
        Fernet(keys[0]).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def rotate(token: str) -> str:
    """Re-encrypt a token with the newest key (raises CredentialKeyError if no key opens it)."""
    try:
        return get_fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as error:
        raise CredentialKeyError("A stored credential cannot be decrypted with the configured keys.") from error


class Secret:
    """A credential held by a model instance: either a stored token or a new plaintext to encrypt."""

    __slots__ = ("_token", "_plaintext")

    def __init__(self, *, token: str = "", plaintext: str = ""):
        self._token = token
        self._plaintext = plaintext

    @classmethod
    def from_token(cls, token: str) -> Secret:
        return cls(token=token or "")

    @property
    @sensitive_variables()
    def token(self) -> str:
        """The ciphertext to store (encrypting a new plaintext once, with the newest key)."""
        if self._plaintext and not self._token:
            self._token = encrypt(self._plaintext)
        return self._token

    @sensitive_variables()
    def reveal(self) -> str:
        """The plaintext. Callers audit this (registry.services.reveal_credentials)."""
        if self._plaintext:
            return self._plaintext
        return decrypt(self._token) if self._token else ""

    def __bool__(self) -> bool:
        return bool(self._token or self._plaintext)

    def __str__(self) -> str:
        return MASK if self else ""

    def __repr__(self) -> str:
        return f"<Secret {'set' if self else 'empty'}>"

    def __eq__(self, other) -> bool:
        # Identity only: comparing secrets would invite timing and logging mistakes.
        return self is other

    __hash__ = object.__hash__

    def __reduce__(self):
        # Pickling (cache, sessions) carries the token, never the plaintext.
        return (Secret.from_token, (self.token,))


class _SecretAttribute(DeferredAttribute):
    """Whatever is assigned (a str, None, a Secret) is held as a Secret on the instance."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = self.field.to_python(value)


class EncryptedTextField(models.TextField):
    """A text column that only ever holds a Fernet token (or the empty string for "not recorded")."""

    description = "Text encrypted at rest with Fernet (keys from CREDENTIAL_ENCRYPTION_KEYS)"
    descriptor_class = _SecretAttribute

    def from_db_value(self, value, expression, connection):
        return Secret.from_token(value or "")

    @sensitive_variables()
    def to_python(self, value):
        if isinstance(value, Secret):
            return value
        if value is None:
            return Secret()
        return Secret(plaintext=str(value))

    @sensitive_variables()
    def get_prep_value(self, value):
        if value is None:
            return ""
        secret = value if isinstance(value, Secret) else Secret(plaintext=str(value))
        return secret.token

    def value_to_string(self, obj):
        # Serialisation (dumpdata) writes the ciphertext, never the plaintext.
        value = self.value_from_object(obj)
        return value.token if isinstance(value, Secret) else self.get_prep_value(value)

    def formfield(self, **kwargs):
        # Never render the stored value in a model form; forms ask for a new password instead.
        return None


@dataclass
class Rotation:
    rotated: int = 0
    unchanged: int = 0
    failed: list[int] = field(default_factory=list)  # primary keys no configured key opens


def rotate_column(queryset: models.QuerySet, column: str) -> Rotation:
    """Re-encrypt `column` (an EncryptedTextField) of every row of `queryset` with the newest key.

    Each row is rewritten with a conditional UPDATE (only if its token is still the one read), so a
    value changed meanwhile is kept; safe to run twice. The rotation commands of the registry's
    passwords and the API's webhook secrets both run it."""
    result = Rotation()
    rows = queryset.exclude(**{column: ""}).values_list("pk", column).order_by("pk")
    for pk, secret in rows.iterator(chunk_size=500):
        if not secret or is_current(secret.token):
            result.unchanged += 1
            continue
        try:
            new_token = rotate(secret.token)
        except CredentialKeyError:
            result.failed.append(pk)
            continue
        with transaction.atomic():
            changed = queryset.filter(pk=pk, **{column: Secret.from_token(secret.token)}).update(
                **{column: Secret.from_token(new_token)}
            )
        result.rotated += changed
        result.unchanged += not changed
    return result
