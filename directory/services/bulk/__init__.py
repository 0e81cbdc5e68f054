"""Bulk set-up without SCIM: schools, departments and staff from CSV files.

Two formats, told apart by their header row:
- the portal's own: `units.csv` (code, name, kind, website_url) and `staff.csv` (email, first_name,
  last_name, unit, role, title: one row per membership, `unit` a code or a name);
- OneRoster 1.2: `orgs.csv` (sourcedId, name, type, identifier, ...), `users.csv` (sourcedId,
  enabledUser, givenName, familyName, email, primaryOrgSourcedId, ...; OneRoster 1.1's `role` and
  `orgSourcedIds` columns are read when present) and, optionally, `roles.csv` (userSourcedId, role,
  orgSourcedId). Students, parents and guardians are skipped; principals and school administrators
  become approvers of their org, other staff its employees. A `password` column is never read.

The flow: `read_upload` parses the files into a plan (no database writes but the DirectoryImport row
that keeps it), `preview` compares the plan with the database (per-row errors, what would be created,
changed or removed, and, for a full roster, who is absent), and `apply_import` does it all in one
transaction, or nothing when any row has a problem. Running the same files again changes nothing.
People absent from a full roster are offboarded (deactivated) only when the admin ticks them.

Modules: `reading` (files to a plan), `comparing` (the preview), `applying` (the one transaction).
"""

from .applying import apply_import
from .comparing import Preview, absent_staff, preview
from .reading import MAX_ROWS, MAX_UPLOAD_BYTES, PREVIEW_TTL_SECONDS, read_upload

__all__ = [
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "PREVIEW_TTL_SECONDS",
    "Preview",
    "absent_staff",
    "apply_import",
    "preview",
    "read_upload",
]
