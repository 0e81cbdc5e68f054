"""Ids in paths: at most 18 digits in every app, so an oversized id is a 404, never a 500."""

import pytest
from django.urls import Resolver404, get_resolver, resolve

from core.converters import MAX_ID, is_valid_id


def _id_patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from _id_patterns(pattern, route)
        else:
            yield route


def test_no_url_of_ours_takes_a_bare_int():
    ours = [r for r in _id_patterns() if not r.startswith(("admin/", "auth/"))]
    assert ours, "the URLconf lists our routes"
    assert [r for r in ours if "<int:" in r] == []


@pytest.mark.parametrize("path", ["/requests/{}/", "/registry/{}/", "/outreach/events/{}/", "/notifications/{}/open/"])
def test_an_oversized_id_does_not_resolve(path):
    assert resolve(path.format(12)).kwargs["pk"] == 12
    with pytest.raises(Resolver404):
        resolve(path.format("9" * 19))


def test_ids_from_forms_are_checked_with_the_same_rule():
    assert is_valid_id("12") and is_valid_id(MAX_ID)
    assert not is_valid_id(MAX_ID + 1) and not is_valid_id("0") and not is_valid_id("x") and not is_valid_id(None)
