"""The menus are cached per person, language and page (issue 19) and follow a change of membership."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.factories import MembershipFactory
from accounts.models import Membership

pytestmark = pytest.mark.django_db


def _menus(response) -> str:
    html = response.content.decode()
    return html[html.index('id="mainnav"') : html.index("</nav>")]


def test_a_second_page_serves_the_menus_from_the_cache(client_for, teacher):
    client = client_for(teacher)
    client.get(reverse("registry:mine"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registry:mine"))
    assert "My accounts" in _menus(response)
    assert not any('"role" = ' in q["sql"] and "accounts_membership" in q["sql"] for q in queries.captured_queries)


def test_becoming_an_approver_shows_the_approvers_menus_at_once(client_for, teacher, school_a):
    client = client_for(teacher)
    assert "Decisions" not in _menus(client.get(reverse("registry:mine")))
    MembershipFactory(user=teacher, org_unit=school_a, role=Membership.Role.APPROVER)
    assert "Decisions" in _menus(client.get(reverse("registry:mine")))
    Membership.objects.get(user=teacher, role=Membership.Role.APPROVER).delete()
    assert "Decisions" not in _menus(client.get(reverse("registry:mine")))


def test_the_highlighted_item_follows_the_page(client_for, teacher):
    client = client_for(teacher)
    mine = _menus(client.get(reverse("registry:mine")))
    requests = _menus(client.get(reverse("approvals:mine")))
    assert mine != requests and 'aria-current="page"' in mine and 'aria-current="page"' in requests


def test_the_menus_of_each_language_are_kept_apart(client_for, teacher):
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key

    from accounts import navcache

    client = client_for(teacher)
    client.get(reverse("registry:mine"))
    teacher.language = "fr-ca"
    teacher.save()
    client.get(reverse("registry:mine"))
    version = navcache.version(teacher.pk)
    keys = [
        make_template_fragment_key("nav", [teacher.pk, False, False, language, "registry", "mine", version])
        for language in ("en-ca", "fr-ca")
    ]
    assert all(cache.get(key) for key in keys)


def test_a_membership_given_to_someone_else_refreshes_both_peoples_menus(client_for, teacher, colleague, school_a):
    approver = MembershipFactory(user=teacher, org_unit=school_a, role=Membership.Role.APPROVER)
    client = client_for(teacher)
    assert "Decisions" in _menus(client.get(reverse("registry:mine")))
    approver.user = colleague
    approver.save()
    assert "Decisions" not in _menus(client.get(reverse("registry:mine")))
