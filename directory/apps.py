from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Who works here, as the district's directory says: SCIM 2.0 provisioning from Entra ID, Okta and
    others, and bulk set-up from CSV or OneRoster files. It changes users and memberships only through
    `directory.services.provisioning`, with ordinary saves and deletes, so the rest of the portal sees a
    directory change exactly as it sees one made by hand."""

    name = "directory"
    verbose_name = "Directory sync"
