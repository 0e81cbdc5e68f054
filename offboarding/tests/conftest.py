import pytest

from accounts.models import Membership
from approvals.factories import AccountRequestFactory


@pytest.fixture
def owned(make_entry, teacher, colleague, school_a):
    """The teacher's account at school A, the colleague co-administering it."""
    entry = make_entry(teacher, school_a, handle="room12", password="Old-Secret-1")
    entry.co_admins.add(colleague)
    return entry


@pytest.fixture
def pending(teacher, school_a):
    return AccountRequestFactory(requester=teacher, org_unit=school_a, submitted=True, title="Robotics club")


@pytest.fixture
def leave():
    """`leave(user, unit)`: delete their memberships of the unit, as the admin or a directory sync does."""

    def _leave(user, unit):
        for membership in Membership.objects.filter(user=user, org_unit=unit):
            membership.delete()

    return _leave
