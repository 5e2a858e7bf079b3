"""Providers, consents and referrals for the referral tests.

``referral_at(status, ...)`` drives a referral through the real services to any status, so
tests start from states the workflow can actually reach.
"""

from datetime import date, timedelta

import factory
from django.utils import timezone

from referrals import services
from referrals.models import Consent, Provider, Referral, ServiceType

Status = Referral.Status


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    offers_mental_health = True
    phone = "555-0100"
    is_active = True


def substance_use_provider(**fields):
    return ProviderFactory(offers_substance_use=True, offers_mental_health=False, **fields)


def consent_for(client, provider, *, by, signed_on=None, expires_on=None) -> Consent:
    signed_on = signed_on or timezone.localdate() - timedelta(days=30)
    return services.consent_record(
        consent=Consent(
            client=client,
            provider=provider,
            purpose="Contact details and the reason for the referral.",
            signed_on=signed_on,
            expires_on=expires_on or signed_on + timedelta(days=365),
        ),
        recorded_by=by,
    )


PATH = [Status.ACCEPTED, Status.SENT, Status.SCHEDULED, Status.ENGAGED, Status.COMPLETED]


def referral_at(
    status,
    *,
    client,
    by,
    provider=None,
    service_type=ServiceType.MENTAL_HEALTH,
    follow_up_on: date | None = None,
) -> Referral:
    """A referral offered to ``client`` and moved through the real workflow to ``status``."""
    if provider is None:
        provider = ProviderFactory(**{Provider.offer_field(service_type): True})
    referral = services.referral_offer(
        client=client,
        provider=provider,
        service_type=service_type,
        requested_by=Referral.RequestedBy.STAFF,
        offered_by=by,
        follow_up_on=follow_up_on,
    )
    if status == Status.OFFERED:
        return referral
    if status == Status.DECLINED:
        return services.referral_move(referral=referral, to=Status.DECLINED, by=by)
    if status == Status.CLOSED:
        return services.referral_close(
            referral=referral, by=by, close_reason=Referral.CloseReason.LOST_CONTACT
        )
    for step in PATH[: PATH.index(status) + 1]:
        if (
            step == Status.SENT
            and not Consent.objects.filter(client=client, provider=provider).current().exists()
        ):
            consent_for(client, provider, by=by)
        referral = services.referral_move(referral=referral, to=step, by=by)
    return referral
