"""Every state change of the directory app, by subject:

- provisioning: users, groups and memberships as the directory says (the one module that changes
  accounts.User and accounts.Membership, with ordinary saves and deletes so their receivers fire);
- tokens: issuing and revoking a connection's bearer tokens;
- bulk/: the CSV / OneRoster set-up, which provisions through `provisioning`: `reading` (files to a
  plan), `comparing` (the preview), `applying` (one transaction).
"""

from ._common import DirectoryError

__all__ = ["DirectoryError"]
