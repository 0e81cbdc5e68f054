"""The registry list's filters that reminder and escalation links name: ?comments=… and ?overdue=1
(issue 11, item 7; the links themselves are followed in moderation/tests/test_reminder_links.py)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
LIST = reverse("registry:list")


@pytest.fixture
def accounts(make_entry, teacher, school_a):
    today = timezone.localdate()
    return {
        "on": make_entry(teacher, school_a, handle="on", comments="on"),
        "moderated": make_entry(teacher, school_a, handle="moderated", comments="moderated"),
        "off": make_entry(teacher, school_a, handle="off", comments="off"),
        "overdue": make_entry(
            teacher, school_a, handle="overdue", comments="off", next_review_due=today - datetime.timedelta(days=1)
        ),
        "gone": make_entry(
            teacher,
            school_a,
            handle="gone",
            comments="on",
            status="removed",
            next_review_due=today - datetime.timedelta(days=1),
        ),
    }


def handles(response):
    return sorted(e.handle for e in response.context["page"].object_list)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("comments=on", ["on"]),
        ("comments=moderated&comments=on", ["moderated", "on"]),
        ("comments=off", ["off", "overdue"]),
        ("overdue=1", ["overdue"]),
        ("overdue=1&comments=off", ["overdue"]),
    ],
)
def test_the_filters_named_by_reminder_links_filter_the_list(accounts, principal, client_for, query, expected):
    assert handles(client_for(principal).get(f"{LIST}?{query}")) == expected


def test_an_unknown_value_shows_nothing_rather_than_everything(accounts, principal, client_for):
    response = client_for(principal).get(f"{LIST}?comments=sometimes")
    assert response.status_code == 200 and handles(response) == []


def test_refining_a_list_opened_from_a_link_keeps_the_links_filters(accounts, principal, client_for):
    html = client_for(principal).get(f"{LIST}?comments=moderated&comments=on&overdue=1").content.decode()
    for hidden in ('name="comments" value="moderated"', 'name="comments" value="on"', 'name="overdue" value="1"'):
        assert hidden in html


def test_the_export_follows_the_links_filters(accounts, principal, client_for):
    rows = list(
        csv.reader(io.StringIO(client_for(principal).get(reverse("registry:export") + "?comments=on").content.decode()))
    )
    assert [row[rows[0].index("handle")] for row in rows[1:]] == ["on"]
