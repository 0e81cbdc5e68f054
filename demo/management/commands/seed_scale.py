"""A district at scale for benchmarks: by default 200 units, 20,000 accounts, 2,000,000 audit events.

    python manage.py seed_scale                      # full size (a few minutes)
    python manage.py seed_scale --scale 0.05         # 5 % of it, for a quick look

Everything is bulk-inserted; users get unusable passwords. Not for production databases: it refuses
to run when the database already holds more than the demo data, unless --force is given.
"""

import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, OrgUnit, User
from approvals.models import AccountRequest
from audit.models import AuditEvent
from catalogue.models import Platform
from moderation.models import CheckIn, MissedCheckIn
from registry.models import RegistryEntry

PLATFORMS = ["Instagram", "YouTube", "Facebook", "Edublogs", "X"]
ACTIONS = [
    "request.submitted",
    "request.approved",
    "registry.registered",
    "moderation.checked_in",
    "registry.review_confirmed",
    "registry.credentials_revealed",
    "registry.disabled",
]


class Command(BaseCommand):
    help = "Bulk-create a large synthetic district for benchmarks (see benchmarks/README.md)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--units", type=int, default=200)
        parser.add_argument("--accounts", type=int, default=20_000)
        parser.add_argument("--events", type=int, default=2_000_000)
        parser.add_argument("--seed", type=int, default=1311)
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, scale, units, accounts, events, seed, force, **options):
        if RegistryEntry.objects.count() > 100 and not force:
            raise CommandError("This database already has data; use --force to add a scale district anyway.")
        rng = random.Random(seed)  # noqa: S311 (synthetic benchmark data, not security)
        n_units, n_accounts, n_events = (max(1, int(x * scale)) for x in (units, accounts, events))
        today = timezone.localdate()
        now = timezone.now()
        with transaction.atomic():
            platforms = [Platform.objects.get_or_create(name=name)[0] for name in PLATFORMS]
            start = OrgUnit.objects.count()
            unit_objs = OrgUnit.objects.bulk_create(
                [
                    OrgUnit(
                        name=f"Scale School {start + i:04d}",
                        code=f"scale-{start + i:04d}",
                        website_url=f"https://scale{start + i}.sd.example",
                    )
                    for i in range(n_units)
                ]
            )
            staff_per_unit = max(2, n_accounts // n_units // 4)
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"scale{start}-{u}-{s}@sd.example",
                        first_name="Staff",
                        last_name=f"{u}-{s}",
                        password="!unusable",
                    )
                    for u in range(n_units)
                    for s in range(staff_per_unit + 1)
                ],
                batch_size=5000,
            )
            memberships, staff = [], {}
            for u, unit in enumerate(unit_objs):
                group = users[u * (staff_per_unit + 1) : (u + 1) * (staff_per_unit + 1)]
                memberships.append(Membership(user=group[0], org_unit=unit, role=Membership.Role.APPROVER))
                memberships += [Membership(user=x, org_unit=unit) for x in group[1:]]
                staff[unit.pk] = group[1:]
            Membership.objects.bulk_create(memberships, batch_size=5000)
            self.stdout.write(f"{n_units} units, {len(users)} staff")

            requests, entries = [], []
            for i in range(n_accounts):
                unit = unit_objs[i % n_units]
                owner = rng.choice(staff[unit.pk])
                decided = now - datetime.timedelta(days=rng.randint(1, 700))
                requests.append(
                    AccountRequest(
                        requester=owner,
                        org_unit=unit,
                        platform=rng.choice(platforms),
                        status="approved",
                        title=f"Site {i}",
                        description="Synthetic",
                        intended_audience="A class",
                        account_email=owner.email,
                        identification_text="District site",
                        decided_by=owner,
                        school_website_url=unit.website_url,
                        submitted_at=decided - datetime.timedelta(days=3),
                        decided_at=decided,
                    )
                )
            AccountRequest.objects.bulk_create(requests, batch_size=5000)
            for i, r in enumerate(requests):
                entries.append(
                    RegistryEntry(
                        request=r,
                        platform=r.platform,
                        org_unit=r.org_unit,
                        owner=r.requester,
                        handle=f"scale{start}_{i}",
                        url=f"https://social.example/scale{start}_{i}",
                        login_username=f"scale{i}",
                        login_email=r.requester.email,
                        privacy=rng.choice(["private", "private", "public"]),
                        comment_setting=rng.choice(["off", "off", "moderated", "on"]),
                        status=rng.choice(["active"] * 18 + ["disabled", "removed"]),
                        next_review_due=today + datetime.timedelta(days=rng.randint(-60, 90)),
                    )
                )
            RegistryEntry.objects.bulk_create(entries, batch_size=5000)
            self.stdout.write(f"{len(entries)} accounts")

            checkins, missed = [], []
            for e in entries:
                if e.comment_setting != "on" or e.status != "active":
                    continue
                for d in range(1, 31):
                    day = today - datetime.timedelta(days=d)
                    if rng.random() < 0.85:
                        checkins.append(CheckIn(entry=e, period_start=day, comment_setting="on", checked_by=e.owner))
                    else:
                        missed.append(MissedCheckIn(entry=e, period_start=day, comment_setting="on"))
            CheckIn.objects.bulk_create(checkins, batch_size=10000)
            MissedCheckIn.objects.bulk_create(missed, batch_size=10000)
            self.stdout.write(f"{len(checkins)} check-ins, {len(missed)} missed")

        entry_type = ContentType.objects.get_for_model(RegistryEntry)
        made = 0
        while made < n_events:
            batch = []
            for _ in range(min(20000, n_events - made)):
                e = entries[rng.randrange(len(entries))]
                batch.append(
                    AuditEvent(
                        actor_id=e.owner_id,
                        action=rng.choice(ACTIONS),
                        target_type=entry_type,
                        target_id=str(e.pk),
                        target_repr=f"@{e.handle}",
                        org_unit_id=e.org_unit_id,
                        source_ip="192.0.2.1",
                    )
                )
            with transaction.atomic():
                AuditEvent.objects.bulk_create(batch, batch_size=10000)
            made += len(batch)
            if made % 200000 == 0 or made == n_events:
                self.stdout.write(f"  audit events: {made}")
        self.stdout.write(self.style.SUCCESS("Scale district ready."))
