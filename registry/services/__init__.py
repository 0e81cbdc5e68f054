"""Every change to the registry: one function per verb, by subject.

Each service is keyword-only and atomic: it locks the entry (`select_for_update`), checks who may
act (registry/selectors.py) and whether the entry's state allows it, changes it, writes exactly one
audit event per changed entry (never a secret in it) and notifies the people concerned in the same
transaction (e-mails leave after commit, through the outbox; their text lives in
templates/notifications/registry.*/). Failures raise `RegistryError` with a message for the user.

- lifecycle: registration, and the one set of rules and creation path it shares with the import;
  confirming or refusing an import that named its importer (§1.4.6)
- credentials: recording and revealing login details
- enforcement: disable, remove, reactivate, feedback (§1.4.2)
- people: ownership transfer, co-admins, and access following membership (leaving, demotion, deactivation)
- reviews: site reviews (§1.2.1.3)
- inventory: CSV import and export

`from registry import services; services.register_account(...)` reaches every public name.
"""

from ._common import RegistryError
from .credentials import RevealedCredentials, reveal_credentials, update_credentials
from .enforcement import (
    ENFORCEMENT_SERVICES,
    disable_account,
    leave_feedback,
    reactivate_account,
    remove_account,
)
from .inventory import (
    EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    REQUIRED_IMPORT_COLUMNS,
    ImportResult,
    ImportRow,
    export_registry_csv,
    import_registry_csv,
    read_csv_upload,
    seal_import,
    unseal_import,
)
from .lifecycle import (
    NewEntry,
    confirm_import,
    create_entry,
    enough_hands_problem,
    entry_problems,
    handle_taken,
    refuse_import,
    register_account,
)
from .people import add_co_admin, end_co_admin_terms, remove_co_admin, transfer_ownership, withdraw_access
from .reviews import confirm_review, request_decommission

__all__ = [
    "ENFORCEMENT_SERVICES",
    "EXPORT_COLUMNS",
    "IMPORT_COLUMNS",
    "REQUIRED_IMPORT_COLUMNS",
    "ImportResult",
    "ImportRow",
    "NewEntry",
    "RegistryError",
    "RevealedCredentials",
    "add_co_admin",
    "confirm_import",
    "confirm_review",
    "create_entry",
    "disable_account",
    "end_co_admin_terms",
    "enough_hands_problem",
    "entry_problems",
    "export_registry_csv",
    "handle_taken",
    "import_registry_csv",
    "leave_feedback",
    "reactivate_account",
    "read_csv_upload",
    "refuse_import",
    "register_account",
    "remove_account",
    "remove_co_admin",
    "request_decommission",
    "reveal_credentials",
    "seal_import",
    "transfer_ownership",
    "unseal_import",
    "update_credentials",
    "withdraw_access",
]
