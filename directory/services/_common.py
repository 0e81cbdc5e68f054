from core.errors import DomainError


class DirectoryError(DomainError):
    """A provisioning change the portal refuses. `kind` says why, for the SCIM error's scimType:
    "invalid" (a bad value), "conflict" (a value another resource holds), "not_found"."""

    def __init__(self, message: str = "", *, kind: str = "invalid", problems=None):
        super().__init__(message, problems=problems)
        self.kind = kind


def via_connection(connection) -> dict:
    """The audit details that name the directory connection a change came through (actor: the system)."""
    return {
        "connection": connection.name,
        "connection_id": connection.pk,
        "via": f"via directory connection {connection}",
    }
