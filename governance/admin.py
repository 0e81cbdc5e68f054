"""The Django admin as district IT reads it (issue 14): the district's own models grouped and named as a
district would, the library models that districts seldom touch gathered under "Advanced" at the end.

Installed through governance.apps.DistrictAdminConfig (its `default_site`), so every `@admin.register`
in the apps lands here unchanged. Only the index and the sidebar are regrouped; each app's own page
(/admin/<app>/) keeps Django's default.
"""

from django.contrib import admin

# Section title → [(model label, name shown)]. The order is the order on the page.
SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Schools and people",
        [
            ("accounts.OrgUnit", "Schools and departments"),
            ("accounts.Membership", "Roles (staff and approvers)"),
            ("accounts.User", "People"),
        ],
    ),
    ("Approved platforms", [("catalogue.Platform", "Approved platforms (§1.4.7)")]),
    (
        "Requests and registry",
        [
            ("approvals.AccountRequest", "Account requests"),
            ("registry.RegistryEntry", "Registered accounts"),
            ("registry.EnforcementAction", "Feedback and enforcement"),
            ("registry.SiteReview", "Site reviews"),
            ("registry.PasswordChange", "Password changes"),
        ],
    ),
    (
        "Moderation and outreach",
        [
            ("moderation.CheckIn", "Comment check-ins"),
            ("moderation.MissedCheckIn", "Missed check-ins"),
            ("outreach.MediaInquiry", "Media inquiries"),
            ("outreach.InquiryUpdate", "Media inquiry updates"),
            ("outreach.SchoolEvent", "School events"),
            ("outreach.PersonalUseAttestation", "Personal-use attestations"),
        ],
    ),
    (
        "Schedules and e-mail",
        [
            ("django_celery_beat.PeriodicTask", "Schedules"),
            ("notifications.SweepRun", "Sweep runs"),
            ("notifications.Notification", "Notifications and e-mails"),
        ],
    ),
    ("Audit trail", [("audit.AuditEvent", "Audit events")]),
]
ADVANCED = "Advanced (library settings districts seldom change)"


class DistrictAdminSite(admin.AdminSite):
    site_header = "AP 1311 portal: district administration"
    site_title = "AP 1311 admin"
    index_title = "Schools, roles, platforms and schedules"

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
                first_app = by_label[next(label for label, _ in entries if label in by_label)][0]
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
