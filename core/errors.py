"""One base class for every refusal the portal's services raise.

A service raises a subclass (WorkflowError, RegistryError, OutreachError, ...) with a message
written for the person who clicked. Views that show the message at a form field catch it; any
that escapes a view is turned into a flash message (or a 403 for NotPermitted) in one place,
core.middleware.DomainErrorMiddleware, never a 500.
"""

from collections.abc import Mapping


class DomainError(Exception):
    """A refused action. str(error) is shown to the user as it is.

    `problems` ({field: message}) says what to fix, where a form can show it at its field.
    """

    def __init__(self, message: str = "", *, problems: Mapping[str, str] | None = None):
        super().__init__(message)
        self.problems = dict(problems or {})


class NotPermitted(DomainError):
    """The caller may never do this to this object: the page answers 403."""
