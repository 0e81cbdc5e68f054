"""Lists and dashboards run a bounded number of queries, whatever the data size (§1.4.5 at scale)."""

import pytest
from django.urls import reverse

from audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow(make_entry, teacher, colleague, school_a):
    made = []

    def _grow(n):
        for _ in range(n):
            made.append(None)
            i = len(made)
            entry = make_entry(teacher if i % 2 else colleague, school_a, handle=f"grow{i}")
            entry.co_admins.add(colleague)
            record_event(actor=teacher, action="test.grow", target=entry, org_unit=school_a)

    return _grow


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("audit:list", None),
        ("oversight:dashboard", None),
        ("oversight:compliance", {"code": "ridgeview"}),
        ("home", None),
        ("registry:list", None),
    ],
)
def test_page_queries_do_not_grow_with_the_data(
    name, kwargs, grow, client_for, principal, django_assert_max_num_queries
):
    client = client_for(principal)
    grow(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200
    grow(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200
