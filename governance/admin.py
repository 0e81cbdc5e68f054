"""The Django admin as district IT reads it (issue 14): the district's own models grouped and named as a
district would, the library models that districts seldom touch gathered under "Advanced" at the end.

Installed through governance.apps.DistrictAdminConfig (its `default_site`), so every `@admin.register`
in the apps lands here unchanged. Only the index and the sidebar are regrouped; each app's own page
(/admin/<app>/) keeps Django's default.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# Section title → [(model label, name shown)]. The order is the order on the page.
# Names are lazy translations (issue 17): the admin shows them in the reader's language.
SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        _("Schools and people"),
        [
            ("accounts.OrgUnit", _("Schools and departments")),
            ("accounts.Membership", _("Roles (staff and approvers)")),
            ("accounts.User", _("People")),
        ],
    ),
    (_("Approved platforms"), [("catalogue.Platform", _("Approved platforms (§1.4.7)"))]),
    (
        _("Requests and registry"),
        [
            ("approvals.AccountRequest", _("Account requests")),
            ("registry.RegistryEntry", _("Registered accounts")),
            ("registry.EnforcementAction", _("Feedback and enforcement")),
            ("registry.SiteReview", _("Site reviews")),
            ("registry.PasswordChange", _("Password changes")),
        ],
    ),
    (
        _("Moderation and outreach"),
        [
            ("moderation.CheckIn", _("Comment check-ins")),
            ("moderation.MissedCheckIn", _("Missed check-ins")),
            ("outreach.MediaInquiry", _("Media inquiries")),
            ("outreach.InquiryUpdate", _("Media inquiry updates")),
            ("outreach.SchoolEvent", _("School events")),
            ("outreach.PersonalUseAttestation", _("Personal-use attestations")),
        ],
    ),
    (
        _("Schedules and e-mail"),
        [
            ("django_celery_beat.PeriodicTask", _("Schedules")),
            ("notifications.SweepRun", _("Sweep runs")),
            ("notifications.Notification", _("Notifications and e-mails")),
        ],
    ),
    (_("Audit trail"), [("audit.AuditEvent", _("Audit events"))]),
]
ADVANCED = _("Advanced (library settings districts seldom change)")


class DistrictAdminSite(admin.AdminSite):
    site_header = _("AP 1311 portal: district administration")
    site_title = _("AP 1311 admin")
    index_title = _("Schools, roles, platforms and schedules")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        by_label = {
            model["model"]._meta.label: (app, model) for app in apps for model in app["models"] if "model" in model
        }
        sections, placed = [], set()
        for title, entries in SECTIONS:
            models = []
            for label, name in entries:
                if label in by_label:
                    app, model = by_label[label]
                    models.append({**model, "name": name})
                    placed.add(label)
            if models:
                first_app = by_label[next(label for label, _name in entries if label in by_label)][0]
                sections.append(_section(title, first_app, models))
        rest = [
            {**model, "name": f"{model['name']} ({app['name']})"}
            for app in apps
            for model in app["models"]
            if model.get("model") is None or model["model"]._meta.label not in placed
        ]
        if rest:
            sections.append(_section(ADVANCED, None, sorted(rest, key=lambda m: str(m["name"]).lower())))
        return sections


def _section(title: str, app: dict | None, models: list[dict]) -> dict:
    return {
        "name": title,
        # The section heading links to the first model's app page; "Advanced" links nowhere.
        "app_label": app["app_label"] if app else "advanced",
        "app_url": app["app_url"] if app else "",
        "has_module_perms": True,
        "models": models,
    }
