"""Demo district on sd.example: run it as often as you like, it converges on the same data."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Membership, OrgUnit, User
from approvals import services as approvals
from approvals.acknowledgements import STATEMENTS
from approvals.models import AccountRequest
from catalogue.models import Platform

DEMO_PASSWORD = "demo-pass-1311"

UNITS = [
    ("ridgeview", "Ridgeview Elementary", OrgUnit.Kind.SCHOOL, "https://ridgeview.sd.example"),
    ("lakeside", "Lakeside Secondary", OrgUnit.Kind.SCHOOL, "https://lakeside.sd.example"),
    ("cedar-hill", "Cedar Hill Middle", OrgUnit.Kind.SCHOOL, "https://cedarhill.sd.example"),
    ("learning-services", "Learning Services Department", OrgUnit.Kind.DEPARTMENT, "https://sd.example/learning"),
]

# email, first, last, flags, [(unit code, role, title)]
USERS = [
    ("teacher@sd.example", "Tara", "Teacher", {}, [("ridgeview", Membership.Role.EMPLOYEE, "Grade 5 teacher")]),
    ("teacher2@sd.example", "Theo", "Teacher", {}, [("lakeside", Membership.Role.EMPLOYEE, "Science teacher")]),
    (
        "principal@sd.example",
        "Priya",
        "Principal",
        {},
        [
            ("ridgeview", Membership.Role.APPROVER, "Principal"),
            ("ridgeview", Membership.Role.EMPLOYEE, "Principal"),
        ],
    ),
    (
        "principal2@sd.example",
        "Paul",
        "Principal",
        {},
        [
            ("lakeside", Membership.Role.APPROVER, "Principal"),
            ("lakeside", Membership.Role.EMPLOYEE, "Principal"),
        ],
    ),
    ("comms@sd.example", "Casey", "Communications", {"is_communications_manager": True}, []),
    ("admin@sd.example", "Alex", "Admin", {"is_district_admin": True, "is_staff": True, "is_superuser": True}, []),
]

PLATFORMS = [
    ("Instagram", True, "https://help.instagram.com/581066165581870", True),
    ("YouTube", True, "https://www.youtube.com/t/terms", True),
    ("Facebook", True, "https://www.facebook.com/terms.php", False),
    ("Edublogs", True, "https://edublogs.org/terms-of-service/", True),
    ("TikTok", False, "https://www.tiktok.com/legal/terms-of-service", True),
]


# title, requester, unit, platform, comments, network, outcome ("approved" or "submitted")
REQUESTS = [
    ("Room 12 Grade 5 class page", "teacher@sd.example", "ridgeview", "Instagram", "on", "private", "approved"),
    ("Ridgeview garden club blog", "teacher@sd.example", "ridgeview", "Edublogs", "moderated", "public", "submitted"),
    ("Lakeside robotics team channel", "teacher2@sd.example", "lakeside", "YouTube", "off", "public", "submitted"),
]


class Command(BaseCommand):
    help = "Create or refresh the demo district (sd.example) with its users, units and platforms."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-requests", action="store_true", help="Only people, units and platforms (for tests)."
        )

    @transaction.atomic
    def handle(self, *args, without_requests=False, **options):
        units = {}
        for code, name, kind, url in UNITS:
            units[code], _ = OrgUnit.objects.update_or_create(
                code=code, defaults={"name": name, "kind": kind, "website_url": url, "is_active": True}
            )
        for name, approved, rules_url, comments_off in PLATFORMS:
            Platform.objects.update_or_create(
                name=name,
                defaults={"is_approved": approved, "rules_url": rules_url, "supports_comments_off": comments_off},
            )
        for email, first, last, flags, memberships in USERS:
            user, created = User.objects.update_or_create(
                email=email, defaults={"first_name": first, "last_name": last, "is_active": True, **flags}
            )
            # Keep the stored hash when the password is already right, so reruns change nothing.
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            for code, role, title in memberships:
                Membership.objects.update_or_create(
                    user=user, org_unit=units[code], role=role, defaults={"title": title}
                )
        if not without_requests:
            self._demo_requests(units)
        self.stdout.write(self.style.SUCCESS("Demo district ready on sd.example."))
        self.stdout.write(f"Every demo user signs in with the password {DEMO_PASSWORD}:")
        for email, _first, _last, flags, memberships in USERS:
            roles = ", ".join(f"{Membership.Role(r).label} of {units[c].name}" for c, r, _ in memberships)
            extra = ", ".join(
                k.removeprefix("is_").replace("_", " ")
                for k, v in flags.items()
                if v and k != "is_staff" and k != "is_superuser"
            )
            self.stdout.write(f"  {email:24} {roles or extra}")

    def _demo_requests(self, units):
        """A request waiting in each principal's queue and one approved, ready to register.

        Made through the workflow's services so the audit trail and notifications are real. A request
        already present (by title) is left as it is, so reruns change nothing.
        """
        for title, email, code, platform, comments, network, outcome in REQUESTS:
            if AccountRequest.objects.filter(title=title).exists():
                continue
            requester = User.objects.get(email=email)
            unit = units[code]
            draft = approvals.create_draft(
                requester=requester,
                values={
                    "org_unit": unit,
                    "platform": Platform.objects.get(name=platform),
                    "title": title,
                    "school_based": True,
                    "purpose": "instructional",
                    "description": f"{title}: class news, reminders and student work shared with consent.",
                    "intended_audience": "Students and parents of the class",
                    "network": network,
                    "public_justification": "Families and the wider school community follow the club's work."
                    if network == "public"
                    else "",
                    "comment_setting": comments,
                    "account_email": email,
                    "identification_text": f"A professional site of {unit.name}, School District sd.example.",
                    "school_website_url": unit.website_url,
                },
            )
            approvals.submit_request(account_request=draft, user=requester, acknowledged=[s.code for s in STATEMENTS])
            if outcome == "approved":
                approver = unit.approvers.exclude(pk=requester.pk).first()
                approvals.approve_request(account_request=draft, user=approver, comment="Looks good. Enjoy!")
