"""Scene for the approvals tests, on top of the project cast (conftest.py at the root)."""

import importlib

import pytest

from approvals import services
from approvals.factories import approved_platform
from catalogue.models import Platform

# The statements the portal starts with: the policy versions seeded by migration 0005 (frozen data,
# readable at collection time for parametrize; tests read the live rows with active_statements()).
SEED = importlib.import_module("approvals.migrations.0005_seed_policy_versions")
ALL_CODES = [code for code, *_ in SEED.SEED]


@pytest.fixture
def platform(db):
    return approved_platform("Instagram", supports_comments_off=True, rules_url="https://help.instagram.example")


@pytest.fixture
def facebook(db):
    """Approved, but comments cannot be turned off (§1.4.3)."""
    return approved_platform("Facebook", supports_comments_off=False)


@pytest.fixture
def tiktok(db):
    """Not district-approved (§1.4.7)."""
    return Platform.objects.create(name="TikTok", is_approved=False)


@pytest.fixture
def values(school_a, platform, teacher):
    """A complete, valid school-based private request for the teacher of school A."""
    return {
        "org_unit": school_a,
        "platform": platform,
        "title": "Room 12 Grade 5 class page",
        "school_based": True,
        "purpose": "instructional",
        "mission_alignment": "",
        "description": "Class news and photos of student work, with consent.",
        "intended_audience": "Students and parents of Room 12",
        "network": "private",
        "public_justification": "",
        "comment_setting": "off",
        "account_email": "room12@sd.example",
        "identification_text": "Professional site of Ridgeview Elementary, Grade 5 Room 12.",
        "school_website_url": "https://ridgeview.sd.example",
    }


@pytest.fixture
def post_data(values):
    """The same request as the form posts it, with every statement ticked."""
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in values.items()}
    data["school_based"] = "True"
    data.update({f"ack_{code}": "on" for code in ALL_CODES})
    return data


@pytest.fixture
def draft(teacher, values):
    return services.create_draft(requester=teacher, values=values, acknowledged=ALL_CODES)


@pytest.fixture
def submitted(draft, teacher):
    return services.submit_request(account_request=draft, user=teacher)
