"""factory_boy factories for account requests (shared with other apps' tests).

They write rows directly, for setting a scene; tests of the workflow itself go through
approvals.services so that audit events and notifications are created as in real life.
"""

import factory
from django.utils import timezone

from accounts.factories import OrgUnitFactory, UserFactory
from catalogue.models import Platform

from .acknowledgements import active_statements
from .models import AccountRequest, Acknowledgement


def approved_platform(name: str = "Instagram", **fields) -> Platform:
    platform, _ = Platform.objects.get_or_create(name=name, defaults={"is_approved": True, **fields})
    return platform


class AccountRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountRequest
        skip_postgeneration_save = True

    requester = factory.SubFactory(UserFactory)
    org_unit = factory.SubFactory(OrgUnitFactory)
    platform = factory.LazyFunction(approved_platform)
    status = AccountRequest.Status.DRAFT
    title = factory.Sequence(lambda n: f"Room {n} class page")
    school_based = True
    purpose = AccountRequest.Purpose.INSTRUCTIONAL
    description = "Class news, homework reminders and photos of student work (with consent)."
    intended_audience = "Students and parents of the class"
    network = AccountRequest.Network.PRIVATE
    comment_setting = AccountRequest.Comments.OFF
    account_email = factory.LazyAttribute(lambda o: o.requester.email)
    identification_text = factory.LazyAttribute(lambda o: f"Professional site of {o.org_unit.name}.")
    school_website_url = factory.LazyAttribute(lambda o: o.org_unit.website_url or "https://sd.example")
    draft_acknowledgements = factory.LazyFunction(lambda: {s.code: s.version for s in active_statements()})
    submitted_at = factory.LazyAttribute(lambda o: None if o.status == AccountRequest.Status.DRAFT else timezone.now())

    class Params:
        submitted = factory.Trait(status=AccountRequest.Status.SUBMITTED)
        approved = factory.Trait(
            status=AccountRequest.Status.APPROVED,
            decided_by=factory.SubFactory(UserFactory),
            decided_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def acknowledgements(obj, create, extracted, **kwargs):
        """Submitted (and later) requests carry one acknowledgement per active statement, as the service makes them."""
        if create and obj.status != AccountRequest.Status.DRAFT:
            Acknowledgement.objects.bulk_create(
                Acknowledgement(
                    request=obj,
                    statement=s.code,
                    statement_version=s.version,
                    statement_text=s.wording,
                    acknowledged_by=obj.requester,
                )
                for s in active_statements()
            )
