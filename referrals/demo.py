"""Demo providers, consents and referrals (called by ``seed_demo``).

The small program goes through the real services, with dates spread over the past months, so
the history shows each step with the case manager who took it. A large program (``--clients``)
adds referrals and consents for a share of the extra clients with bulk inserts, history included.
"""

import random
from datetime import timedelta

from django.utils import timezone

from clients.demo import DemoProgram
from clients.models import Client
from housingfirst.audit import change_reason
from housingfirst.bulk import insert_with_history

from . import services
from .models import Consent, Provider, Referral, ServiceType

Status = Referral.Status
S = ServiceType

PROVIDERS = [
    # name, services, active
    ("Harbor Mental Health Center", [S.MENTAL_HEALTH], True),
    ("Bridgeway Recovery Services", [S.SUBSTANCE_USE, S.MENTAL_HEALTH], True),
    ("Riverside Harm Reduction Clinic", [S.SUBSTANCE_USE], True),
    ("WorkSource Downtown", [S.EMPLOYMENT], True),
    ("Eastside Wellness Collective", [S.MENTAL_HEALTH, S.EMPLOYMENT, S.OTHER], True),
    ("Community Legal Aid", [S.OTHER], True),
    ("Northgate Counseling", [S.MENTAL_HEALTH], False),
]
CONTACTS = ["Ana Ruiz", "Ben Carter", "Dee Holloway", "Imani Scott", "Kofi Mensah", "Lena Park"]
GOALS = {
    S.MENTAL_HEALTH: ["Talk to someone about my sleep.", "Get back on my medication.", ""],
    S.SUBSTANCE_USE: ["Cut down, on my own terms.", "Ask about medication for opioid use.", ""],
    S.EMPLOYMENT: ["Find part-time work near the bus line.", "Get a food handler card.", ""],
    S.OTHER: ["Sort out an old ticket.", "Get my ID back.", ""],
}
DECLINE_WORDS = ["Not right now, maybe later.", "I'd rather handle it myself.", ""]
# The path each demo referral takes: its final status, in an order that covers every one.
DEMO_STATUSES = [
    Status.OFFERED,
    Status.ACCEPTED,
    Status.DECLINED,
    Status.SENT,
    Status.SCHEDULED,
    Status.ENGAGED,
    Status.COMPLETED,
    Status.CLOSED,
    Status.DECLINED,
    Status.SENT,
    Status.OFFERED,
    Status.ENGAGED,
]
PATH = [Status.ACCEPTED, Status.SENT, Status.SCHEDULED, Status.ENGAGED, Status.COMPLETED]


def seed_providers() -> list[Provider]:
    providers = []
    for index, (name, service_types, active) in enumerate(PROVIDERS):
        provider = Provider(
            name=name,
            contact_name=CONTACTS[index % len(CONTACTS)],
            phone=f"555-02{index:02d}",
            email=f"intake{index}@provider.example.org",
            address=f"{100 + index * 17} Main Street",
            is_active=active,
        )
        for service_type in service_types:
            setattr(provider, Provider.offer_field(service_type), True)
        provider.save()
        providers.append(provider)
    return providers


def _providers_for(providers, service_type):
    return [p for p in providers if p.is_active and p.offers(service_type)]


def _record_consent(client, provider, by, signed_days_ago, valid_days, today):
    signed_on = today - timedelta(days=signed_days_ago)
    return services.consent_record(
        consent=Consent(
            client=client,
            provider=provider,
            purpose="Name, contact details and the reason for the referral, to arrange services.",
            signed_on=signed_on,
            expires_on=signed_on + timedelta(days=valid_days),
        ),
        recorded_by=by,
    )


def _seed_client_referral(client, index, providers, rng, now, today):
    by = client.case_manager
    target = DEMO_STATUSES[index % len(DEMO_STATUSES)]
    service_type = [S.MENTAL_HEALTH, S.SUBSTANCE_USE, S.EMPLOYMENT, S.OTHER][index % 4]
    provider = rng.choice(_providers_for(providers, service_type))
    start = now - timedelta(days=rng.randint(20, 120))
    referral = services.referral_offer(
        client=client,
        provider=provider,
        service_type=service_type,
        requested_by=rng.choice(Referral.RequestedBy.values),
        offered_by=by,
        client_goal=rng.choice(GOALS[service_type]),
        follow_up_on=today + timedelta(days=rng.randint(-5, 20)),
        at=start,
    )
    if target == Status.OFFERED:
        return
    if target == Status.DECLINED:
        services.referral_move(
            referral=referral,
            to=Status.DECLINED,
            by=by,
            decision_note=rng.choice(DECLINE_WORDS),
            at=start + timedelta(days=2),
        )
        return
    if target in (Status.SENT, Status.SCHEDULED, Status.ENGAGED, Status.COMPLETED):
        _record_consent(client, provider, by, (now - start).days, 365, today)
    steps = PATH[: PATH.index(target) + 1] if target in PATH else [Status.ACCEPTED]
    for offset, step in enumerate(steps, start=1):
        referral = services.referral_move(
            referral=referral,
            to=step,
            by=by,
            follow_up_on=today + timedelta(days=rng.randint(-3, 21)),
            at=start + timedelta(days=offset * 3),
        )
    if target == Status.CLOSED:
        services.referral_move(
            referral=referral,
            to=Status.CLOSED,
            by=by,
            close_reason=rng.choice(Referral.CloseReason.values),
            at=start + timedelta(days=10),
        )


def _seed_consent_states(clients, providers, today):
    """Expired, revoked and soon-expiring consents, so each state shows somewhere."""
    for index, client in enumerate(clients[:9]):
        provider = providers[index % (len(providers) - 1)]
        by = client.case_manager
        kind = index % 3
        if kind == 0:  # expired last month
            _record_consent(client, provider, by, 400, 365, today)
        elif kind == 1:  # revoked by the client
            consent = _record_consent(client, provider, by, 90, 365, today)
            services.consent_revoke(
                consent=consent,
                revoked_on=today - timedelta(days=10),
                revoked_by=by,
                note="The client asked us to stop sharing with this provider.",
            )
        else:  # current, expiring within 30 days
            _record_consent(client, provider, by, 350, 365, today)


def seed(program: DemoProgram, large: bool = False) -> None:
    rng = random.Random(23)
    now = timezone.now()
    today = timezone.localdate()
    providers = seed_providers()
    # Reload: intake assigned the case manager on a locked copy, not on these objects.
    assigned = list(
        Client.objects.filter(
            pk__in=[c.pk for c in program.clients[:30]], case_manager__isnull=False
        )
        .select_related("case_manager")
        .order_by("pk")
    )
    for index, client in enumerate(assigned):
        _seed_client_referral(client, index, providers, rng, now, today)
        if index % 3 == 0:  # some clients were offered the same kind of service again
            _seed_client_referral(client, index + 2, providers, rng, now, today)
    _seed_consent_states(assigned[5:], providers, today)
    if large:
        for clients in program.large_clients():
            seed_large(clients, providers, rng, now, today)


CONSENT_COLUMNS = (
    "client_id",
    "provider_id",
    "purpose",
    "signed_on",
    "expires_on",
    "recorded_by_id",
    "recorded_at",
    "is_protected",
)
STEP_COLUMNS = tuple(Referral.STEP_DATE_FIELDS.values())
REFERRAL_COLUMNS = (
    "client_id",
    "provider_id",
    "service_type",
    "requested_by",
    "status",
    "offered_at",
    "offered_by_id",
    "status_changed_by_id",
    "consent_id",
    "follow_up_on",
    "close_reason",
    *STEP_COLUMNS,
)


def seed_large(clients, providers, rng, now, today, share: int = 4) -> None:
    """A referral for one client in ``share`` of a batch of a large program's clients
    (``LargeClient`` tuples), with consents where sent: rows in bulk, each with its history
    row, sealed."""
    chosen = [c for c in clients[::share] if c.case_manager_id is not None]
    plans = []
    consents = []
    for index, client in enumerate(chosen):
        status = DEMO_STATUSES[index % len(DEMO_STATUSES)]
        service_type = [S.MENTAL_HEALTH, S.SUBSTANCE_USE, S.EMPLOYMENT, S.OTHER][index % 4]
        provider = rng.choice(_providers_for(providers, service_type))
        start = now - timedelta(days=rng.randint(20, 300))
        with_consent = status in Referral.WITH_PROVIDER or status == Status.COMPLETED
        if with_consent:
            signed_on = timezone.localdate(start)
            consents.append(
                (client.id, provider.pk, "Contact details and the reason for the referral.")
                + (signed_on, signed_on + timedelta(days=365), client.case_manager_id, start)
                # What Consent.settle_protection decides on save (bulk inserts skip it).
                + (provider.offers_substance_use,)
            )
        plans.append((client, status, service_type, provider, start, with_consent))
    with change_reason("Demo data"):
        consent_ids = iter(insert_with_history(Consent, CONSENT_COLUMNS, consents))

    referrals = []
    for client, status, service_type, provider, start, with_consent in plans:
        steps = {
            Status.DECLINED: [Status.DECLINED],
            Status.CLOSED: [Status.ACCEPTED, Status.CLOSED],
        }.get(status, PATH[: PATH.index(status) + 1] if status in PATH else [])
        step_dates = dict.fromkeys(STEP_COLUMNS)
        at = start
        for step in steps:
            at = at + timedelta(days=3)
            step_dates[Referral.STEP_DATE_FIELDS[step]] = at
        by = client.case_manager_id
        referrals.append(
            (client.id, provider.pk, service_type, rng.choice(Referral.RequestedBy.values))
            + (status, start, by, by, next(consent_ids) if with_consent else None)
            + (today + timedelta(days=rng.randint(-10, 30)),)
            + (rng.choice(Referral.CloseReason.values) if status == Status.CLOSED else "",)
            + tuple(step_dates.values())
        )
    with change_reason("Demo data"):
        insert_with_history(Referral, REFERRAL_COLUMNS, referrals)
