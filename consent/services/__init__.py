"""Every change to the consent roster, and every read of it that must be on record: one function per verb.

Each service is keyword-only and atomic: it checks who may act (selectors), locks what two people may
change at once, changes it, and writes exactly one audit event. Audit events name a student only by its
record id (Student.__str__) and never hold a name, a student number or a search term: the trail outlives
the roster (docs/privacy.md). Refusals raise ConsentError (NotPermitted for a 403) with a message for
the person who clicked.
"""

from audit.services import record_event  # noqa: F401  (tests patch it here)
from core.errors import NotPermitted  # noqa: F401

from .. import rules  # noqa: F401
from ._common import ConsentError  # noqa: F401
from .records import export_roster_csv, record_lookup, record_roster_view  # noqa: F401
from .retention import PurgeResult, purge_expired_rosters  # noqa: F401
from .roster_import import RosterImport, import_roster  # noqa: F401
from .students import add_student, remove_student, update_student  # noqa: F401
