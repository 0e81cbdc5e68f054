"""The living demo district on sd.example: run it as often as you like, it converges on the same data.

Everything is made through the apps' services, with the clock moved back (time-machine) so that the
district has a past: requests decided weeks ago, a dozen registered accounts, three months of comment
check-ins with some missed, site reviews done and overdue, a disabled account with feedback, a teacher
who left, media inquiries, school events and attestations partly done. The audit trail, the
notifications and the dashboard therefore tell a true story.

Idempotent: each item (request by title, account by handle, inquiry by outlet, event by title,
attestation by person and year) is made only when it is missing, and its history with it; a second run
creates nothing, not even an audit event or a notification. The six demo logins never change.
"""

import random
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import time_machine
from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Membership, OrgUnit, User
from approvals import services as approvals
from approvals.acknowledgements import STATEMENTS
from approvals.models import AccountRequest
from catalogue.models import Platform
from moderation import services as moderation
from moderation.models import CheckIn
from notifications.sweeps import registered_sweeps, run_sweep
from outreach import rules as outreach_rules
from outreach import services as outreach
from outreach.models import MediaInquiry, PersonalUseAttestation, SchoolEvent
from outreach.statements import ATTESTATION_CODES
from registry import services as registry
from registry.models import RegistryEntry

DEMO_PASSWORD = "demo-pass-1311"

UNITS = [
    ("ridgeview", "Ridgeview Elementary", OrgUnit.Kind.SCHOOL, "https://ridgeview.sd.example"),
    ("lakeside", "Lakeside Secondary", OrgUnit.Kind.SCHOOL, "https://lakeside.sd.example"),
    ("cedar-hill", "Cedar Hill Middle", OrgUnit.Kind.SCHOOL, "https://cedarhill.sd.example"),
    ("learning-services", "Learning Services Department", OrgUnit.Kind.DEPARTMENT, "https://sd.example/learning"),
]

E, A = Membership.Role.EMPLOYEE, Membership.Role.APPROVER
# The six logins (password DEMO_PASSWORD): email, first, last, flags, [(unit code, role, title)]
USERS = [
    ("teacher@sd.example", "Tara", "Teacher", {}, [("ridgeview", E, "Grade 5 teacher")]),
    ("teacher2@sd.example", "Theo", "Teacher", {}, [("lakeside", E, "Science teacher")]),
    (
        "principal@sd.example",
        "Priya",
        "Principal",
        {},
        [("ridgeview", A, "Principal"), ("ridgeview", E, "Principal")],
    ),
    (
        "principal2@sd.example",
        "Paul",
        "Principal",
        {},
        [("lakeside", A, "Principal"), ("lakeside", E, "Principal")],
    ),
    ("comms@sd.example", "Casey", "Communications", {"is_communications_manager": True}, []),
    ("admin@sd.example", "Alex", "Admin", {"is_district_admin": True, "is_staff": True, "is_superuser": True}, []),
]
# The rest of the staff: they own accounts but cannot sign in (no usable password).
STAFF = [
    ("rita.reyes@sd.example", "Rita", "Reyes", [("ridgeview", E, "Grade 2 teacher")]),
    ("omar.okafor@sd.example", "Omar", "Okafor", [("ridgeview", E, "Music teacher")]),
    ("lena.lee@sd.example", "Lena", "Lee", [("lakeside", E, "Art teacher")]),
    ("sam.singh@sd.example", "Sam", "Singh", [("lakeside", E, "Athletics coordinator")]),
    ("fiona.ferris@sd.example", "Fiona", "Ferris", [("lakeside", E, "Drama teacher")]),
    ("carmen.cruz@sd.example", "Carmen", "Cruz", [("cedar-hill", A, "Principal"), ("cedar-hill", E, "Principal")]),
    ("dev.das@sd.example", "Dev", "Das", [("cedar-hill", E, "Grade 7 teacher")]),
    ("noah.nguyen@sd.example", "Noah", "Nguyen", [("learning-services", E, "Learning coach")]),
]

PLATFORMS = [
    ("Instagram", True, "https://help.instagram.com/581066165581870", True),
    ("YouTube", True, "https://www.youtube.com/t/terms", True),
    ("Facebook", True, "https://www.facebook.com/terms.php", False),
    ("Edublogs", True, "https://edublogs.org/terms-of-service/", True),
    ("TikTok", False, "https://www.tiktok.com/legal/terms-of-service", True),
]

# What staff must know of each platform's terms (§1.3.4), in English and French (issue 17).
PLATFORM_RULES = {
    "Instagram": (
        "Users must be 13 or older. Keep the account professional, turn on comment filters, and never tag "
        "students or show their faces without media consent.",
        "Les utilisateurs doivent avoir 13 ans ou plus. Gardez le compte professionnel, activez les filtres "
        "de commentaires et n’identifiez jamais d’élèves ni ne montrez leur visage sans consentement aux médias.",
    ),
    "YouTube": (
        "Mark videos as not made for kids only when true; use unlisted videos for class work and turn comments "
        "off unless they are moderated daily.",
        "Ne déclarez une vidéo « non destinée aux enfants » que si c’est vrai; publiez les travaux de classe en "
        "vidéos non répertoriées et désactivez les commentaires s’ils ne sont pas modérés chaque jour.",
    ),
    "Facebook": (
        "Comments cannot be turned off on pages: check them every day. Users must be 13 or older; do not "
        "friend students from a professional page.",
        "Les commentaires ne peuvent pas être désactivés sur les pages : vérifiez-les chaque jour. Les "
        "utilisateurs doivent avoir 13 ans ou plus; n’ajoutez pas d’élèves comme amis depuis une page professionnelle.",
    ),
    "Edublogs": (
        "Student blogs must be private or moderated; approve every comment before it appears.",
        "Les blogues d’élèves doivent être privés ou modérés; approuvez chaque commentaire avant sa publication.",
    ),
    "TikTok": (
        "Not approved by the district (§1.4.7): do not open professional accounts on it.",
        "Non approuvée par le district scolaire (§1.4.7) : n’y ouvrez pas de compte professionnel.",
    ),
}

# Registered accounts. Days are counted back from today. "misses" is the share of check-ins skipped;
# "recent_misses" skips the last few periods in a row (which the moderation sweep escalates).
ACCOUNTS = [
    {
        "title": "Room 12 Grade 5 class page",
        "owner": "teacher@sd.example",
        "unit": "ridgeview",
        "platform": "Instagram",
        "comments": "on",
        "network": "private",
        "handle": "ridgeview_room12",
        "registered": 92,
        "reviews": [],
        "misses": 0.08,
        "feedback": (20, "Please add the school website link to the profile, as AP 1311 §1.2.4 asks."),
    },
    {
        "title": "Ridgeview Elementary news",
        "owner": "principal@sd.example",
        "unit": "ridgeview",
        "platform": "Instagram",
        "comments": "moderated",
        "network": "public",
        "handle": "ridgeview_elementary",
        "registered": 85,
        "co_admins": ["teacher@sd.example"],
        "reviews": [5],
        "misses": 0.1,
    },
    {
        "title": "Ridgeview Grade 2 news",
        "owner": "rita.reyes@sd.example",
        "unit": "ridgeview",
        "platform": "Facebook",
        "comments": "moderated",
        "network": "public",
        "handle": "ridgeview.grade2",
        "registered": 100,
        "reviews": [],
        "misses": 0.25,
    },
    {
        "title": "Ridgeview music room",
        "owner": "omar.okafor@sd.example",
        "unit": "ridgeview",
        "platform": "YouTube",
        "comments": "off",
        "network": "public",
        "handle": "ridgeviewmusic",
        "registered": 120,
        "reviews": [30],
    },
    {
        "title": "Lakeside science club",
        "owner": "teacher2@sd.example",
        "unit": "lakeside",
        "platform": "Instagram",
        "comments": "on",
        "network": "private",
        "handle": "lakeside_science",
        "registered": 80,
        "reviews": [],
        "misses": 0.05,
        "recent_misses": 4,
    },
    {
        "title": "Lakeside art gallery",
        "owner": "lena.lee@sd.example",
        "unit": "lakeside",
        "platform": "Instagram",
        "comments": "moderated",
        "network": "public",
        "handle": "lakeside_art",
        "registered": 75,
        "reviews": [],
        "misses": 0.2,
        "disable": (
            12,
            "Photos of students were posted without their parents' consent (§1.3.6). Take them down, then "
            "ask me to reactivate the account.",
        ),
    },
    {
        "title": "Lakeside athletics",
        "owner": "sam.singh@sd.example",
        "unit": "lakeside",
        "platform": "Facebook",
        "comments": "moderated",
        "network": "public",
        "handle": "lakeside.athletics",
        "registered": 110,
        "co_admins": ["teacher2@sd.example"],
        "reviews": [],
        "misses": 0.12,
    },
    {
        "title": "Lakeside drama club",
        "owner": "fiona.ferris@sd.example",
        "unit": "lakeside",
        "platform": "Edublogs",
        "comments": "off",
        "network": "private",
        "handle": "lakesidedrama",
        "registered": 60,
        "reviews": [],
        "departs": 6,  # the owner left the district six days ago
    },
    {
        "title": "Cedar Hill Grade 7 class",
        "owner": "dev.das@sd.example",
        "unit": "cedar-hill",
        "platform": "Edublogs",
        "comments": "on",
        "network": "private",
        "handle": "cedarhill7",
        "registered": 70,
        "reviews": [],
        "misses": 0.1,
    },
    {
        "title": "Cedar Hill news",
        "owner": "carmen.cruz@sd.example",
        "unit": "cedar-hill",
        "platform": "YouTube",
        "comments": "off",
        "network": "public",
        "handle": "cedarhillnews",
        "registered": 95,
        "co_admins": ["dev.das@sd.example"],
        "reviews": [10],
    },
    {
        "title": "Cedar Hill library",
        "owner": "dev.das@sd.example",
        "unit": "cedar-hill",
        "platform": "Instagram",
        "comments": "moderated",
        "network": "private",
        "handle": "cedarhill_library",
        "registered": 40,
        "reviews": [],
        "misses": 0.0,
    },
]
# An account that predates the portal, brought in from the district's old spreadsheet.
IMPORTED = {
    "unit": "learning-services",
    "platform": "YouTube",
    "handle": "sd_learning_services",
    "site_name": "Learning Services family resources",
    "owner_email": "noah.nguyen@sd.example",
    "login_username": "sdlearning",
    "login_email": "learning.media@sd.example",
    "privacy": "public",
    "comment_setting": "off",
    "days_ago": 45,
    "last_reviewed_days_ago": 50,
}
# Requests that are not (yet) registered accounts: title, requester, unit, platform, comments, network,
# submitted (days ago), outcome, decided (days ago), decider, comment.
REQUESTS = [
    (
        "Ridgeview garden club blog",
        "teacher@sd.example",
        "ridgeview",
        "Edublogs",
        "moderated",
        "public",
        4,
        "submitted",
        None,
        None,
        "",
    ),
    (
        "Lakeside robotics team channel",
        "teacher2@sd.example",
        "lakeside",
        "YouTube",
        "off",
        "public",
        2,
        "submitted",
        None,
        None,
        "",
    ),
    (
        "Room 12 reading blog",
        "teacher@sd.example",
        "ridgeview",
        "Edublogs",
        "moderated",
        "private",
        6,
        "approved",
        3,
        "principal@sd.example",
        "Lovely idea. Register it once it is set up.",
    ),
    (
        "Grade 2 reading corner",
        "rita.reyes@sd.example",
        "ridgeview",
        "Edublogs",
        "on",
        "private",
        9,
        "changes_requested",
        7,
        "principal@sd.example",
        "Comments on means checking them every day: could you use moderated comments instead?",
    ),
    (
        "Lakeside sports scores page",
        "sam.singh@sd.example",
        "lakeside",
        "Instagram",
        "on",
        "public",
        30,
        "rejected",
        27,
        "principal2@sd.example",
        "Please post scores on the athletics page we already have, rather than opening a second account.",
    ),
]
# Media inquiries: outlet, logged by, unit, account handle (or None), question, logged (days ago),
# deadline (hours from now), what the communications manager did.
INQUIRIES = [
    (
        "Valley Gazette",
        "teacher@sd.example",
        "ridgeview",
        "ridgeview_room12",
        "A reporter wants to visit Room 12's garden project for a story next week.",
        1,
        48,
        [],
    ),
    (
        "CKRV Radio",
        "teacher2@sd.example",
        "lakeside",
        "lakeside_science",
        "The morning show asks whether the science club could talk about its robotics win on air.",
        3,
        -20,
        [],
    ),
    (
        "Tri-City News",
        "rita.reyes@sd.example",
        "ridgeview",
        None,
        "Asked for comment on the new playground through the Grade 2 page's messages.",
        40,
        -24 * 37,
        [("acknowledge", 39, ""), ("close", 38, "Sent the district's statement; the principal spoke to the paper.")],
    ),
]
# School events: title, unit, organiser, starts (days from today and time; "soon" is the next school-day
# slot whose no-photo reminder is already out), location, confirmed?
EVENTS = [
    ("Grade 5 assembly", "ridgeview", "teacher@sd.example", "soon", "Gym", False),
    ("Winter concert", "lakeside", "teacher2@sd.example", (10, 18, 30), "Theatre", False),
    ("Fall open house", "ridgeview", "teacher@sd.example", (-30, 18, 30), "Library", True),
]
# Who already confirmed the personal-use rules this school year (days ago); the others have not.
ATTESTED = {
    "teacher2@sd.example": 20,
    "principal@sd.example": 40,
    "rita.reyes@sd.example": 30,
    "omar.okafor@sd.example": 25,
    "sam.singh@sd.example": 15,
    "carmen.cruz@sd.example": 35,
    "dev.das@sd.example": 10,
}


def _fake_password(handle: str) -> str:
    """A made-up account password for the demo (stored encrypted, like a real one)."""
    return f"Demo-{handle.replace('.', '-').replace('_', '-')}-2026!"


class Command(BaseCommand):
    help = "Create or refresh the living demo district (sd.example): people, units, platforms and their history."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-requests",
            action="store_true",
            help="Only people, units and platforms, without requests, accounts or history (for tests).",
        )

    @transaction.atomic
    def handle(self, *args, without_requests=False, **options):
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.made = 0
        self.units = self._units()
        self._platforms()
        self.people = self._people()
        if not without_requests:
            self._accounts()
            self._imported()
            self._requests()
            self._inquiries()
            self._events()
            self._attestations()
            if self.made:
                self._sweeps()
        self._report()

    # --- the clock --------------------------------------------------------------------------------------

    def at(self, days_ago: float, hour: int = 10, minute: int = 0) -> datetime:
        """A district-local moment `days_ago` days before today, at the given time of day."""
        day = self.today - timedelta(days=int(days_ago))
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    @contextmanager
    def clock(self, moment: datetime):
        """Run the services as if it were `moment` (never in the future: the clock stops at now)."""
        with time_machine.travel(min(moment, self.now), tick=False):
            yield

    # --- people, units, platforms ---------------------------------------------------------------------

    def _units(self) -> dict[str, OrgUnit]:
        units = {}
        for code, name, kind, url in UNITS:
            units[code], _ = OrgUnit.objects.update_or_create(
                code=code, defaults={"name": name, "kind": kind, "website_url": url, "is_active": True}
            )
        return units

    def _platforms(self) -> None:
        for name, approved, rules_url, comments_off in PLATFORMS:
            Platform.objects.update_or_create(
                name=name,
                defaults={
                    "is_approved": approved,
                    "rules_url": rules_url,
                    "rules": PLATFORM_RULES[name][0],
                    "rules_fr": PLATFORM_RULES[name][1],
                    "supports_comments_off": comments_off,
                },
            )

    def _people(self) -> dict[str, User]:
        people = {}
        for email, first, last, flags, memberships in USERS:
            user, created = User.objects.update_or_create(
                email=email, defaults={"first_name": first, "last_name": last, "is_active": True, **flags}
            )
            # Keep the stored hash when the password is already right, so reruns change nothing.
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            self._membership(user, email, memberships)
            people[email] = user
        for email, first, last, memberships in STAFF:
            user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            self._membership(user, email, memberships)
            people[email] = user
        return people

    def _membership(self, user, email, memberships) -> None:
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        for code, role, title in memberships:
            Membership.objects.update_or_create(
                user=user, org_unit=self.units[code], role=role, defaults={"title": title}
            )

    # --- requests and the accounts registered from them -----------------------------------------------

    def _decider(self, unit: OrgUnit, requester: User) -> User:
        """The unit's principal or supervisor; a district admin when there is none or it is their own request."""
        approver = unit.approvers.exclude(pk=requester.pk).first()
        return approver or self.people["admin@sd.example"]

    def _new_request(self, *, title, requester, unit, platform, comments, network, submitted_at) -> AccountRequest:
        with self.clock(submitted_at - timedelta(hours=1)):
            draft = approvals.create_draft(
                requester=requester,
                values={
                    "org_unit": unit,
                    "platform": Platform.objects.get(name=platform),
                    "title": title,
                    "school_based": True,
                    "purpose": "instructional",
                    "description": f"{title}: class news, reminders and student work shared with consent.",
                    "intended_audience": "Students and families of the class"
                    if network == "private"
                    else "Families and the wider school community",
                    "network": network,
                    "public_justification": "Families and the wider community follow the school's work."
                    if network == "public"
                    else "",
                    "comment_setting": comments,
                    "account_email": requester.email,
                    "identification_text": f"A professional site of {unit.name}, School District sd.example.",
                    "school_website_url": unit.website_url,
                },
            )
        with self.clock(submitted_at):
            approvals.submit_request(account_request=draft, user=requester, acknowledged=[s.code for s in STATEMENTS])
        self.made += 1
        return AccountRequest.objects.get(pk=draft.pk)

    def _accounts(self) -> None:
        """Register the accounts with their past, in the order time needs: every check-in first, then the
        missed periods (which the morning sweep records for every account at once), then what ended them."""
        new = []
        for spec in ACCOUNTS:
            platform = Platform.objects.get(name=spec["platform"])
            if RegistryEntry.objects.filter(handle=spec["handle"], platform=platform).exists():
                continue
            owner, unit = self.people[spec["owner"]], self.units[spec["unit"]]
            registered_at = self.at(spec["registered"], 11)
            account_request = AccountRequest.objects.filter(title=spec["title"]).first()
            if account_request is None:
                account_request = self._new_request(
                    title=spec["title"],
                    requester=owner,
                    unit=unit,
                    platform=spec["platform"],
                    comments=spec["comments"],
                    network=spec["network"],
                    submitted_at=self.at(spec["registered"] + 4, 9),
                )
            if account_request.status == AccountRequest.Status.SUBMITTED:
                with self.clock(self.at(spec["registered"] + 2, 15)):
                    approvals.approve_request(
                        account_request=account_request, user=self._decider(unit, owner), comment="Approved. Enjoy!"
                    )
            # The demo's past predates the backup rule (MIN_ACCOUNT_ADMINS, issue 15): its single-admin
            # accounts were registered when one administrator was enough, and the registry now flags them.
            with self.clock(registered_at), override_settings(MIN_ACCOUNT_ADMINS=1):
                entry = registry.register_account(
                    actor=owner,
                    account_request=account_request,
                    handle=spec["handle"],
                    url=self._public_url(spec["platform"], spec["handle"]),
                    login_username=spec["handle"].replace(".", "_"),
                    login_email=owner.email,
                    password=_fake_password(spec["handle"]),
                    co_admins=[self.people[e] for e in spec.get("co_admins", [])],
                )
            self.made += 1
            new.append((entry, spec))
            self._history(entry, spec)
        if not new:
            return
        for entry, spec in new:
            if "disable" in spec:
                days_ago, reason = spec["disable"]
                with self.clock(self.at(days_ago, 7, 30)):
                    moderation.record_missed_periods(day=self.at(days_ago).date(), window_periods=150)
                with self.clock(self.at(days_ago, 16)):
                    registry.disable_account(
                        actor=self._decider(entry.org_unit, entry.owner), entry=entry, reason=reason
                    )
        for entry, spec in new:
            owner = User.objects.get(pk=entry.owner_id)
            if "departs" in spec and owner.is_active:
                # The district deactivates the account of someone who left (as the admin does): the
                # registry flags what they could sign in to (§1.4.5).
                with self.clock(self.at(spec["departs"], 9)):
                    owner.is_active = False
                    owner.save()
        # What the morning sweeps recorded meanwhile: the periods nobody checked, up to today.
        with self.clock(self.at(0, 7, 30)):
            moderation.record_missed_periods(day=self.today, window_periods=150)

    @staticmethod
    def _public_url(platform: str, handle: str) -> str:
        return {
            "Instagram": f"https://www.instagram.com/{handle}/",
            "YouTube": f"https://www.youtube.com/@{handle}",
            "Facebook": f"https://www.facebook.com/{handle}",
            "Edublogs": f"https://{handle.replace('.', '-')}.edublogs.org/",
        }[platform]

    def _history(self, entry: RegistryEntry, spec: dict) -> None:
        """Three months of life for one account: check-ins, site reviews, feedback."""
        disabled_on = spec["disable"][0] if "disable" in spec else None
        self._checkins(entry, spec, stop_days_ago=disabled_on)
        for days_ago in spec.get("reviews", []):
            with self.clock(self.at(days_ago, 14)):
                registry.confirm_review(
                    actor=entry.owner,
                    entry=entry,
                    identification_confirmed=True,
                    note="Checked the posts; all current.",
                )
        manager = self._decider(entry.org_unit, entry.owner)
        if "feedback" in spec:
            days_ago, reason = spec["feedback"]
            with self.clock(self.at(days_ago, 13)):
                registry.leave_feedback(actor=manager, entry=entry, reason=reason)

    def _checkins(self, entry: RegistryEntry, spec: dict, stop_days_ago: int | None) -> None:
        if entry.comment_setting not in ("on", "moderated"):
            return
        rng = random.Random(spec["handle"])  # noqa: S311 (the same made-up misses on every machine, not security)
        first = timezone.localdate(entry.created_at) + timedelta(days=1)
        last = self.today - timedelta(days=1 + (stop_days_ago or 0))
        daily = entry.comment_setting == "on"
        recent = spec.get("recent_misses", 0)
        people = [entry.owner, *entry.co_admins.all()]
        day = first if daily else first + timedelta(days=(7 - first.weekday()) % 7 + 2)  # a Wednesday
        while day <= last:
            periods_left = ((self.today - day).days - 1) // (1 if daily else 7)
            if periods_left >= recent and rng.random() >= spec.get("misses", 0):
                who = people[0] if len(people) == 1 or rng.random() < 0.8 else rng.choice(people[1:])
                via = CheckIn.Via.EMAIL if rng.random() < 0.6 else CheckIn.Via.PORTAL
                with self.clock(
                    timezone.make_aware(datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59))))
                ):
                    moderation.record_checkin(user=who, entry=entry, day=day, via=via)
            day += timedelta(days=1 if daily else 7)

    def _imported(self) -> None:
        spec = IMPORTED
        platform = Platform.objects.get(name=spec["platform"])
        if RegistryEntry.objects.filter(handle=spec["handle"], platform=platform).exists():
            return
        reviewed = (self.today - timedelta(days=spec["last_reviewed_days_ago"])).isoformat()
        unit = self.units[spec["unit"]]
        columns = [
            "unit",
            "platform",
            "handle",
            "site_name",
            "owner_email",
            "login_username",
            "login_email",
            "privacy",
            "comment_setting",
            "last_reviewed",
        ]
        values = [
            unit.code,
            spec["platform"],
            spec["handle"],
            spec["site_name"],
            spec["owner_email"],
            spec["login_username"],
            spec["login_email"],
            spec["privacy"],
            spec["comment_setting"],
            reviewed,
        ]
        csv_text = ",".join(columns) + "\n" + ",".join(values) + "\n"
        # The imported list predates the backup rule too (MIN_ACCOUNT_ADMINS, issue 15): one administrator.
        with self.clock(self.at(spec["days_ago"], 10)), override_settings(MIN_ACCOUNT_ADMINS=1):
            registry.import_registry_csv(
                actor=self.people["admin@sd.example"], csv_text=csv_text, dry_run=False, source="accounts-2025.csv"
            )
        self.made += 1

    def _requests(self) -> None:
        for title, email, code, platform, comments, network, submitted, outcome, decided, decider, comment in REQUESTS:
            if AccountRequest.objects.filter(title=title).exists():
                continue
            requester, unit = self.people[email], self.units[code]
            draft = self._new_request(
                title=title,
                requester=requester,
                unit=unit,
                platform=platform,
                comments=comments,
                network=network,
                submitted_at=self.at(submitted, 9, 15),
            )
            decide = {
                "approved": approvals.approve_request,
                "rejected": approvals.reject_request,
                "changes_requested": approvals.request_changes,
            }.get(outcome)
            if decide:
                with self.clock(self.at(decided, 14, 40)):
                    decide(account_request=draft, user=self.people[decider], comment=comment)

    # --- outreach ------------------------------------------------------------------------------------

    def _inquiries(self) -> None:
        comms = self.people["comms@sd.example"]
        for outlet, email, code, handle, question, logged, deadline_hours, steps in INQUIRIES:
            if MediaInquiry.objects.filter(outlet=outlet).exists():
                continue
            logged_at = self.at(logged, 12, 5)
            entry = RegistryEntry.objects.filter(handle=handle).first() if handle else None
            with self.clock(logged_at):
                inquiry = outreach.log_inquiry(
                    user=self.people[email],
                    org_unit=self.units[code],
                    received_via="" if entry else "Messages on the Grade 2 page",
                    outlet=outlet,
                    contact_name="Jordan Reporter",
                    contact_details=f"newsdesk@{outlet.lower().replace(' ', '').replace('-', '')}.example",
                    question=question,
                    deadline=self.now + timedelta(hours=deadline_hours),
                    registry_entry=entry,
                )
            for step, days_ago, note in steps:
                with self.clock(self.at(days_ago, 10)):
                    if step == "acknowledge":
                        outreach.acknowledge_inquiry(user=comms, inquiry_id=inquiry.pk, note=note)
                    else:
                        outreach.close_inquiry(user=comms, inquiry_id=inquiry.pk, note=note)
            self.made += 1

    def _events(self) -> None:
        for title, code, email, when, location, confirmed in EVENTS:
            if SchoolEvent.objects.filter(title=title, org_unit=self.units[code]).exists():
                continue
            organiser = self.people[email]
            starts_at = self._event_start(when)
            with self.clock(min(starts_at - timedelta(days=12), self.now - timedelta(hours=1))):
                event = outreach.schedule_event(
                    user=organiser,
                    org_unit=self.units[code],
                    title=title,
                    starts_at=starts_at,
                    organiser=organiser,
                    location=location,
                )
            if confirmed:
                with self.clock(starts_at - timedelta(minutes=45)):
                    outreach.confirm_event_announcement(user=organiser, event_id=event.pk)
            self.made += 1

    def _event_start(self, when) -> datetime:
        if when != "soon":
            days, hour, minute = when
            return self.at(-days, hour, minute)
        # Today 13:30 while it is more than three hours away, else tomorrow 09:30: within a day, so the
        # organiser's reminder (24 hours ahead, §3.1) is out and the home page asks for the confirmation.
        if timezone.localtime(self.now).time() < time(10, 30):
            return self.at(0, 13, 30)
        return self.at(-1, 9, 30)

    def _attestations(self) -> None:
        year = outreach_rules.current_school_year()
        start = outreach_rules.school_year_start(year)
        for email, days_ago in ATTESTED.items():
            user = self.people[email]
            if PersonalUseAttestation.objects.filter(user=user, school_year=year).exists():
                continue
            day = max(start, self.today - timedelta(days=days_ago))
            with self.clock(timezone.make_aware(datetime.combine(day, time(8, 20)))):
                outreach.attest_personal_use(user=user, statements=ATTESTATION_CODES)
            self.made += 1

    def _sweeps(self) -> None:
        """This morning's reminders and escalations, as beat would have run them (only when the demo was
        just built: a rerun must not add a sweep run or a notification)."""
        for name in registered_sweeps():
            run_sweep(name, day=self.today)

    # --- output --------------------------------------------------------------------------------------

    def _report(self) -> None:
        self.stdout.write(self.style.SUCCESS("Demo district ready on sd.example."))
        self.stdout.write(f"Every demo user signs in at /auth/login/ with the password {DEMO_PASSWORD}:")
        for email, _first, _last, flags, memberships in USERS:
            roles = ", ".join(f"{Membership.Role(r).label} of {self.units[c].name}" for c, r, _ in memberships)
            extra = ", ".join(
                k.removeprefix("is_").replace("_", " ")
                for k, v in flags.items()
                if v and k not in ("is_staff", "is_superuser")
            )
            self.stdout.write(f"  {email:24} {roles or extra}")
