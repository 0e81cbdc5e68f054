"""The statements an employee acknowledges before a request is submitted (AP 1311 §1.2.3 and others).

They are policy versions (approvals.models.PolicyVersion): data that district admins keep in the
admin, seeded by migration 0005 with the portal's first wordings. The request form, the submission
rules and the request pages ask `active_statements()`; an acknowledgement records the code, the
version and the wording it was given for, so a later rewording never changes what someone agreed to.
"""

from collections.abc import Iterable, Iterator, Sequence

from .models import PolicyVersion


def active_statements() -> list[PolicyVersion]:
    """The statements requesters are asked to acknowledge now, in the form's order (one query)."""
    return list(PolicyVersion.objects.filter(is_active=True).order_by("position", "code"))


def versions_of(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], PolicyVersion]:
    """{(code, version): PolicyVersion} for the given pairs, whatever their state (one query)."""
    pairs = set(pairs)
    codes = {code for code, _ in pairs}
    found = PolicyVersion.objects.filter(code__in=codes)
    return {(p.code, p.version): p for p in found if (p.code, p.version) in pairs}


class _ActiveStatements(Sequence):
    """Read-through view of active_statements() under the old constant's name.

    Kept so that callers written when the statements were code constants (the demo seed, the
    compliance report, some cross-cutting tests) keep working; new code calls active_statements().
    Every use reads the database: never iterate it at import time.
    """

    def __getitem__(self, index):
        return active_statements()[index]

    def __len__(self) -> int:
        return PolicyVersion.objects.filter(is_active=True).count()

    def __iter__(self) -> Iterator[PolicyVersion]:
        return iter(active_statements())


STATEMENTS = _ActiveStatements()
