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
    "name,kwargs,query",
    [
        ("audit:list", None, {}),
        ("audit:list", None, {"org_unit": "ridgeview", "target": "grow", "since": "2000-01-01"}),
        ("oversight:dashboard", None, {}),
        ("oversight:compliance", {"code": "ridgeview"}, {}),
        ("home", None, {}),
        ("registry:list", None, {}),
        ("registry:list", None, {"q": "grow", "org_unit": "ridgeview"}),
        ("registry:mine", None, {}),
    ],
)
def test_page_queries_do_not_grow_with_the_data(
    name, kwargs, query, grow, client_for, principal, django_assert_max_num_queries
):
    client = client_for(principal)
    grow(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name, kwargs=kwargs), query).status_code == 200
    grow(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name, kwargs=kwargs), query).status_code == 200


def test_a_deep_page_of_the_audit_trail_runs_the_queries_of_the_first(grow, client_for, principal):
    from django.db import connection

    def count(query):
        seen = []
        with connection.execute_wrapper(lambda execute, *args: seen.append(1) or execute(*args)):
            response = client.get(reverse("audit:list"), query)
        return len(seen), response.context["page"]

    grow(120)
    client = client_for(principal)
    first, page = count({})
    _, page = count({"before": page.next_cursor})
    deep, page = count({"before": page.next_cursor})
    assert page.object_list and deep <= first
