"""A district at scale for benchmarks.

    python manage.py seed_scale                       # 200 units, 25,000 staff, 20,000 accounts, 2,000,000 events
    python manage.py seed_scale --scale 0.1           # a tenth of every number, for a quick look
    python manage.py seed_scale --units 2000 --staff 75000 --accounts 60000 --events 6000000   # the largest districts

Every unit has one approver and its share of the staff; every account has its approved request (with
its acknowledgements, decided over the last two years), a quarter have comments on (a daily check-in
over the last 90 days, 85 % made) or moderated (weekly), one in ten a co-administrator; a few requests
per unit wait for a decision; audit events are spread over two years, oldest first.

Rows are bulk-inserted (PostgreSQL: COPY for the big tables), users get unusable passwords, and on
PostgreSQL the tables are analysed at the end (VACUUM ANALYZE: fresh statistics and visibility maps,
as README.md asks after any bulk load). Not for production databases: it refuses to run when the
database already holds more than the demo data, unless --force is given.
"""

import datetime
import json
import random

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import Membership, OrgUnit, User
from approvals.acknowledgements import STATEMENTS
from approvals.models import AccountRequest, Acknowledgement
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
    "moderation.checked_in",
    "moderation.checked_in",
    "registry.review_confirmed",
    "registry.credentials_revealed",
    "registry.disabled",
]
CHUNK = 50_000


def _insert(model, columns: list[str], rows) -> int:
    """Insert plain tuples (database column order) without the ORM: COPY on PostgreSQL, the fastest
    path; batched executemany elsewhere (SQLite keeps naive UTC datetimes). Timestamps are written as
    given (bulk_create would overwrite auto_now_add fields with now). Returns the number of rows."""
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 (names from the models)
        batch = []
        for row in rows:
            batch.append(tuple(_naive_utc(x) for x in row))
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        cursor.executemany(sql, batch)
    return count + len(batch)


def _naive_utc(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value, datetime.UTC).isoformat(" ")
    return value


class Command(BaseCommand):
    help = "Bulk-create a large synthetic district for benchmarks (benchmarks/run.py)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiplies every number below.")
        parser.add_argument("--units", type=int, default=200)
        parser.add_argument("--staff", type=int, default=25_000)
        parser.add_argument("--accounts", type=int, default=20_000)
        parser.add_argument("--events", type=int, default=2_000_000)
        parser.add_argument("--seed", type=int, default=1311)
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, scale, units, staff, accounts, events, seed, force, **options):
        if RegistryEntry.objects.count() > 100 and not force:
            raise CommandError("This database already has data; use --force to add a scale district anyway.")
        self.rng = random.Random(seed)  # noqa: S311 (synthetic benchmark data, not security)
        n_units, n_staff, n_accounts, n_events = (max(1, int(x * scale)) for x in (units, staff, accounts, events))
        n_staff = max(n_staff, 2 * n_units)
        self.today = timezone.localdate()
        self.now = timezone.now()
        with transaction.atomic():
            unit_objs, staff_by_unit = self._units_and_staff(n_units, n_staff)
            entries = self._requests_and_entries(unit_objs, staff_by_unit, n_accounts)
            self._checkins(entries)
        with transaction.atomic():
            self._events(entries, n_events)
        if connection.vendor == "postgresql":
            # Fresh planner statistics and visibility maps (index-only scans) after a bulk load.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS("Scale district ready."))

    def _units_and_staff(self, n_units, n_staff):
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
        users = User.objects.bulk_create(
            [
                User(
                    email=f"scale{start}-{i % n_units}-{i // n_units}@sd.example",
                    first_name=self.rng.choice(["Ana", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Gus", "Hana"]),
                    last_name=f"Staff{i}",
                    password="!unusable",
                )
                for i in range(n_staff)
            ],
            batch_size=5000,
        )
        # Staff i works at unit i % n_units; the first of each unit is its approver (principal).
        staff_by_unit: dict[int, list[User]] = {u.pk: [] for u in unit_objs}
        memberships = []
        for i, user in enumerate(users):
            unit = unit_objs[i % n_units]
            role = Membership.Role.APPROVER if i < n_units else Membership.Role.EMPLOYEE
            memberships.append(Membership(user=user, org_unit=unit, role=role))
            if role == Membership.Role.EMPLOYEE:
                staff_by_unit[unit.pk].append(user)
        Membership.objects.bulk_create(memberships, batch_size=5000)
        self.stdout.write(f"{n_units} units, {len(users)} staff")
        return unit_objs, staff_by_unit

    def _requests_and_entries(self, unit_objs, staff_by_unit, n_accounts):
        rng, now, today = self.rng, self.now, self.today
        platforms = [Platform.objects.get_or_create(name=name)[0] for name in PLATFORMS]
        n_units = len(unit_objs)
        requests = []
        for i in range(n_accounts):
            unit = unit_objs[i % n_units]
            owner = rng.choice(staff_by_unit[unit.pk])
            decided = now - datetime.timedelta(days=rng.randint(1, 700), hours=rng.randint(0, 23))
            network = rng.choice(["private", "private", "public"])
            requests.append(
                AccountRequest(
                    requester=owner,
                    org_unit=unit,
                    platform=rng.choice(platforms),
                    status=AccountRequest.Status.APPROVED,
                    title=f"Site {i}",
                    description="Synthetic",
                    intended_audience="A class",
                    network=network,
                    public_justification="Families follow the school's news" if network == "public" else "",
                    comment_setting=rng.choice(["off", "off", "moderated", "on"]),
                    account_email=owner.email,
                    identification_text="District site",
                    decided_by=owner,
                    school_website_url=unit.website_url,
                    submitted_at=decided - datetime.timedelta(days=rng.randint(0, 12), hours=rng.randint(0, 23)),
                    decided_at=decided,
                )
            )
        # Waiting for a decision: three per unit (the approvers' home and the pending-approvals sweep).
        for unit in unit_objs:
            for k in range(3):
                owner = rng.choice(staff_by_unit[unit.pk])
                requests.append(
                    AccountRequest(
                        requester=owner,
                        org_unit=unit,
                        platform=rng.choice(platforms),
                        status=AccountRequest.Status.SUBMITTED,
                        title=f"New site {unit.pk}-{k}",
                        description="Synthetic",
                        intended_audience="A class",
                        account_email=owner.email,
                        identification_text="District site",
                        school_website_url=unit.website_url,
                        submitted_at=now - datetime.timedelta(days=rng.randint(0, 10)),
                    )
                )
        AccountRequest.objects.bulk_create(requests, batch_size=5000)
        statements = list(STATEMENTS)  # one query, not one per request
        acks = _insert(
            Acknowledgement,
            ["request_id", "statement", "statement_version", "statement_text", "acknowledged_by_id", "acknowledged_at"],
            (
                (r.pk, s.code, s.version, s.wording, r.requester_id, r.submitted_at)
                for r in requests
                if r.status == AccountRequest.Status.APPROVED
                for s in statements
            ),
        )
        entries = []
        for i, r in enumerate(requests[:n_accounts]):
            entries.append(
                RegistryEntry(
                    request=r,
                    platform=r.platform,
                    org_unit=r.org_unit,
                    owner=r.requester,
                    name=f"{r.org_unit.name} {r.platform.name} {i}",
                    handle=f"scale{r.org_unit.pk}_{i}",
                    url=f"https://social.example/scale{r.org_unit.pk}_{i}",
                    login_username=f"scale{i}",
                    login_email=r.requester.email,
                    privacy=r.network,
                    comment_setting=r.comment_setting,
                    status=rng.choice(["active"] * 18 + ["disabled", "removed"]),
                    next_review_due=today + datetime.timedelta(days=rng.randint(-60, 90)),
                    last_reviewed_at=now - datetime.timedelta(days=rng.randint(1, 90)),
                )
            )
        RegistryEntry.objects.bulk_create(entries, batch_size=5000)
        # Registered when decided (bulk_create stamps auto_now_add fields with now).
        decided = AccountRequest.objects.filter(pk=OuterRef("request_id")).values("decided_at")[:1]
        RegistryEntry.objects.filter(pk__gte=entries[0].pk).update(created_at=Subquery(decided))
        co_admins = RegistryEntry.co_admins.through
        co = _insert(
            co_admins,
            ["registryentry_id", "user_id"],
            (
                (e.pk, pick.pk)
                for e in entries
                if rng.random() < 0.1
                for pick in [rng.choice(staff_by_unit[e.org_unit_id])]
                if pick.pk != e.owner_id
            ),
        )
        self.stdout.write(f"{len(entries)} accounts, {len(requests)} requests, {acks} acknowledgements, {co} co-admins")
        return entries

    def _checkins(self, entries):
        rng, today = self.rng, self.today
        made, missed = [], []
        for e in entries:
            if e.status != "active" or e.comment_setting == "off":
                continue
            if e.comment_setting == "on":
                starts = [today - datetime.timedelta(days=d) for d in range(1, 91)]
            else:
                monday = today - datetime.timedelta(days=today.weekday())
                starts = [monday - datetime.timedelta(weeks=w) for w in range(1, 14)]
            for day in starts:
                (made if rng.random() < 0.85 else missed).append((e.pk, day, e.comment_setting, e.owner_id))
        checked_at = self.now - datetime.timedelta(hours=1)
        n_made = _insert(
            CheckIn,
            ["entry_id", "period_start", "comment_setting", "checked_by_id", "checked_at", "via"],
            ((*row, checked_at, "portal") for row in made),
        )
        n_missed = _insert(
            MissedCheckIn,
            ["entry_id", "period_start", "comment_setting", "recorded_at"],
            ((e, day, setting, checked_at) for e, day, setting, _ in missed),
        )
        self.stdout.write(f"{n_made} check-ins, {n_missed} missed")

    def _events(self, entries, n_events):
        rng, now = self.rng, self.now
        entry_type = ContentType.objects.get_for_model(RegistryEntry).pk
        span = datetime.timedelta(days=730)
        empty = json.dumps({})
        facts = [(e.owner_id, str(e.pk), f"@{e.handle} on {e.platform.name}", e.org_unit_id) for e in entries]

        def rows():
            for i in range(n_events):
                actor, target, label, unit = facts[rng.randrange(len(facts))]
                # Oldest first, so ids and times grow together as in real life.
                created = now - span * ((n_events - i) / n_events)
                yield (created, actor, rng.choice(ACTIONS), entry_type, target, label, unit, "192.0.2.1", empty)
                if i and i % 1_000_000 == 0:
                    self.stdout.write(f"  audit events: {i}")

        columns = [
            "created_at",
            "actor_id",
            "action",
            "target_type_id",
            "target_id",
            "target_repr",
            "org_unit_id",
            "source_ip",
            "details",
        ]
        made = _insert(AuditEvent, columns, rows())
        self.stdout.write(f"{made} audit events")
