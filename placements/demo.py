"""Demo placements and contacts (called by ``seed_demo``).

The small program goes through the real services, acting as each client's case manager, so
history reads as it would in real use. Clients end up in every housing state: no placement
yet, searching, housed (recently and for a long time), left housing, and rehoused; contacts
follow the visit rhythm, and some clients' next visit is overdue. A large program
(``--clients``) gives the extra clients placements and contacts with bulk inserts, history
included.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clients.demo import DEMO_ACTOR, DemoProgram
from clients.models import Client
from housingfirst.audit import acting_as

from . import services, state
from .destinations import Destination
from .models import Contact, Placement, SubsidyType
from .visits import VisitRhythm

SMALL_PROGRAM = 30  # seed_demo's service-built clients come first in program.clients

STREETS = [
    "Alder St",
    "Birch Ave",
    "Cedar Ct",
    "Dogwood Ln",
    "Elm St",
    "Fir Ave",
    "Grove St",
    "Hawthorn Rd",
    "Ivy Way",
    "Juniper St",
    "Kestrel Ave",
    "Linden Blvd",
]
LANDLORDS = [
    ("Maple Property Management", "555-0301"),
    ("Eastside Housing Cooperative", "555-0302"),
    ("R. Delgado (private owner)", "555-0303"),
    ("Harbor Affordable Homes", "leasing@harbor.example.org"),
    ("Westgate Apartments", "555-0305"),
]
VISIT_NOTES = [
    "Checked in at home. Talked about groceries and the bus pass.",
    "Helped set up the utilities account.",
    "Client showed the new curtains; all good with the neighbours.",
    "Went over the lease renewal letter together.",
    "Brought a fan for the heat. Client wants to keep weekly visits for now.",
    "Short visit: client was on the way to work.",
    "Talked about the leaking tap; will call the landlord.",
    "",
]
CALL_NOTES = ["Confirmed next visit.", "Client called about a rent letter.", ""]
OFFICE_NOTES = ["Picked up mail at the office.", "Came by to use the phone.", ""]
OUTREACH_NOTES = ["Knocked, no answer. Left a card.", "Not at the usual spot.", ""]
SEARCH_NOTES = [
    "Viewed a one-bedroom on Cedar Ct with the client.",
    "Application sent for a studio; waiting on the landlord.",
    "Client prefers the Eastside, near family.",
]

# Housing story of each small-program client, by position: (story, days ago it started).
STORIES = [
    ("housed", 400),
    ("searching", 25),
    ("housed_recent", 12),
    ("rehoused", 700),
    ("housed", 190),
    ("exited", 500),
    ("housed_overdue", 250),
    ("searching", 60),
    ("housed_recent_overdue", 20),
    ("rehoused_searching", 300),
    ("housed", 800),
    ("none", 0),
    ("housed", 95),
    ("exited", 260),
    ("none", 0),  # index 14: waiting in the intake queue
]


def _address(rng: random.Random) -> str:
    return f"{rng.randint(10, 2999)} {rng.choice(STREETS)}, Apt {rng.randint(1, 40)}"


def _at(day: date, rng: random.Random) -> datetime:
    moment = time(hour=rng.randint(9, 17), minute=rng.choice([0, 10, 15, 30, 40, 45]))
    # A visit "today" has already happened.
    return min(timezone.make_aware(datetime.combine(day, moment)), timezone.now())


def _terms(rng: random.Random, subsidy_types: list[SubsidyType]) -> dict:
    rent = Decimal(rng.randrange(850, 1650, 25))
    subsidy = rng.choice(subsidy_types) if subsidy_types else None
    # Subsidised tenants pay about 30% of the rent; without a subsidy, all of it.
    subsidised = subsidy is not None and subsidy.name != "No subsidy"
    share = (rent * Decimal("0.3")).quantize(Decimal(1)) if subsidised else rent
    landlord, contact = rng.choice(LANDLORDS)
    return dict(
        landlord_name=landlord,
        landlord_contact=contact,
        subsidy_type=subsidy,
        monthly_rent=rent,
        tenant_share=share,
    )


def _visit_days(move_in: date, until: date, rhythm: VisitRhythm, rng: random.Random) -> list:
    """Days of visits from move-in to ``until``, roughly following the rhythm."""
    days, day = [], move_in
    while True:
        weekly = day < move_in + timedelta(days=rhythm.weekly_days)
        step = 7 if weekly else rhythm.monthly_days
        day = day + timedelta(days=step + rng.randint(-2, 1))
        if day > until:
            return days
        days.append(day)


def _contact_kind_and_note(rng: random.Random):
    roll = rng.random()
    if roll < 0.7:
        return Contact.Kind.HOME_VISIT, rng.choice(VISIT_NOTES)
    if roll < 0.85:
        return Contact.Kind.PHONE_CALL, rng.choice(CALL_NOTES)
    if roll < 0.93:
        return Contact.Kind.OFFICE_VISIT, rng.choice(OFFICE_NOTES)
    return Contact.Kind.OUTREACH_ATTEMPT, rng.choice(OUTREACH_NOTES)


def _log_visits(client, made_by, move_in, until, rhythm, rng):
    for day in _visit_days(move_in, until, rhythm, rng):
        kind, note = _contact_kind_and_note(rng)
        services.contact_log(
            client=client, made_by=made_by, kind=kind, occurred_at=_at(day, rng), note=note
        )


def _search(client, made_by, started: date, rng):
    placement = services.placement_create(
        placement=Placement(client=client, search_started_on=started)
    )
    for offset in (3, 10, 18):
        day = started + timedelta(days=offset)
        if day < timezone.localdate():
            kind = rng.choice([Contact.Kind.OFFICE_VISIT, Contact.Kind.OUTREACH_ATTEMPT])
            services.contact_log(
                client=client,
                made_by=made_by,
                kind=kind,
                occurred_at=_at(day, rng),
                note=rng.choice(SEARCH_NOTES) if kind == Contact.Kind.OFFICE_VISIT else "",
            )
    return placement


def _housed(client, made_by, started, move_in, rng, subsidy_types):
    placement = _search(client, made_by, started, rng)
    lease_start = move_in - timedelta(days=rng.randint(0, 3))
    lease_end = lease_start + timedelta(days=365)
    while lease_end < timezone.localdate():  # renewed year by year
        lease_end += timedelta(days=365)
    for name, value in _terms(rng, subsidy_types).items():
        setattr(placement, name, value)
    services.placement_update(placement=placement)
    return services.placement_record_move_in(
        placement=placement,
        move_in_date=move_in,
        address=_address(rng),
        lease_start=lease_start,
        lease_end=lease_end,
    )


def _exit(placement, exit_date, reason, destination, note=""):
    return services.placement_record_exit(
        placement=placement,
        exit_date=exit_date,
        exit_reason=reason,
        exit_destination=destination,
        exit_note=note,
    )


def seed_client(client, story, days_ago, rng, rhythm, subsidy_types, today) -> None:
    """One client's housing story, through the services."""
    made_by = client.case_manager
    start = today - timedelta(days=days_ago)
    if story == "none":
        return
    if story in ("searching",):
        _search(client, made_by, start, rng)
        return
    if story.startswith("housed"):
        move_in = start + timedelta(days=min(21, days_ago // 3))
        if story.startswith("housed_recent"):
            move_in = start
            start = move_in - timedelta(days=30)
        placement = _housed(client, made_by, start, move_in, rng, subsidy_types)
        # Overdue clients were last seen a while ago; the others are up to date.
        until = today - timedelta(days=45 if story == "housed_overdue" else 0)
        if story == "housed_recent_overdue":
            until = move_in + timedelta(days=8)
        _log_visits(client, made_by, placement.move_in_date, until, rhythm, rng)
        return
    # Left housing, or rehoused after leaving.
    first_move_in = start + timedelta(days=30)
    first = _housed(client, made_by, start, first_move_in, rng, subsidy_types)
    exit_date = first_move_in + timedelta(days=days_ago // 2)
    _log_visits(client, made_by, first_move_in, exit_date, rhythm, rng)
    if story == "exited":
        _exit(
            first,
            exit_date,
            Placement.ExitReason.RETURNED_TO_HOMELESSNESS,
            Destination.PLACE_NOT_MEANT_FOR_HABITATION,
            "Left the unit after a conflict with the neighbour; we keep in touch at the camp.",
        )
        services.contact_log(
            client=client,
            made_by=made_by,
            kind=Contact.Kind.OUTREACH_ATTEMPT,
            occurred_at=_at(exit_date + timedelta(days=10), rng),
            note="Not at the usual spot; asked around.",
        )
        return
    _exit(
        first,
        exit_date,
        Placement.ExitReason.UNIT_UNAVAILABLE,
        Destination.FRIENDS_TEMPORARY,
        "The building was sold; the client stays with a friend meanwhile.",
    )
    second_start = exit_date + timedelta(days=3)
    if story == "rehoused_searching":
        _search(client, made_by, second_start, rng)
        return
    second_move_in = second_start + timedelta(days=40)
    second = _housed(client, made_by, second_start, second_move_in, rng, subsidy_types)
    _log_visits(client, made_by, second.move_in_date, today, rhythm, rng)


def seed(program: DemoProgram, large: bool = False) -> None:
    rng = random.Random(31)
    today = timezone.localdate()
    rhythm = VisitRhythm.from_settings()
    subsidy_types = list(SubsidyType.objects.filter(is_active=True).order_by("pk"))
    # Reload: intake assigned the case manager on a locked copy, not on these objects.
    small = list(
        Client.objects.filter(pk__in=[c.pk for c in program.clients[:SMALL_PROGRAM]])
        .select_related("case_manager")
        .order_by("pk")
    )
    for index, client in enumerate(small):
        story, days_ago = STORIES[index % len(STORIES)]
        if client.case_manager is None:
            continue  # still in the intake queue
        # Vary the start a little so the two rounds of stories differ.
        days_ago += (index // len(STORIES)) * 17
        with acting_as(DEMO_ACTOR, user=client.case_manager):
            seed_client(client, story, days_ago, rng, rhythm, subsidy_types, today)
    if large:
        seed_large(program.clients[SMALL_PROGRAM:], rng, subsidy_types, today)


def seed_large(clients, rng, subsidy_types, today) -> None:
    """Placements and a few contacts for many clients: bulk inserts, history included.

    About 15% have no placement, 15% are searching, 10% left housing, 10% were rehoused and
    50% are housed; housed clients get their last two visits (a fifth are overdue).
    """
    history = {
        "default_change_reason": "Demo data",
        "custom_historical_attrs": {"history_actor": DEMO_ACTOR},
    }
    placements, contacts = [], []

    def contact(client, day, kind=Contact.Kind.HOME_VISIT, note=""):
        contacts.append(
            Contact(
                client_id=client.pk,
                made_by_id=client.case_manager_id,
                kind=kind,
                occurred_at=_at(day, rng),
                note=note,
            )
        )

    for client in clients:
        roll = rng.random()
        if roll < 0.15 or client.case_manager_id is None:
            continue
        started = today - timedelta(days=rng.randint(20, 900))
        if roll < 0.30:
            placements.append(Placement(client_id=client.pk, search_started_on=started))
            contact(client, started + timedelta(days=5), Contact.Kind.OFFICE_VISIT)
            continue
        move_in = min(started + timedelta(days=rng.randint(5, 60)), today)
        terms = _terms(rng, subsidy_types)
        unit = dict(address=_address(rng), lease_start=move_in, **terms)
        if roll < 0.50:
            exit_date = min(move_in + timedelta(days=rng.randint(30, 400)), today)
            placements.append(
                Placement(
                    client_id=client.pk,
                    search_started_on=started,
                    move_in_date=move_in,
                    exit_date=exit_date,
                    exit_reason=Placement.ExitReason.LEFT_THE_UNIT,
                    exit_destination=rng.choice(
                        [Destination.FAMILY_TEMPORARY, Destination.RENTAL_NO_SUBSIDY]
                    ),
                    **unit,
                )
            )
            if roll < 0.40 or exit_date >= today - timedelta(days=2):
                continue  # left housing
            # Rehoused: a second placement after the exit.
            started = exit_date + timedelta(days=1)
            move_in = min(started + timedelta(days=rng.randint(5, 30)), today)
            terms = _terms(rng, subsidy_types)
            unit = dict(address=_address(rng), lease_start=move_in, **terms)
        placements.append(
            Placement(client_id=client.pk, search_started_on=started, move_in_date=move_in, **unit)
        )
        overdue = rng.random() < 0.2
        last = today - timedelta(days=rng.randint(40, 90) if overdue else rng.randint(0, 20))
        for weeks_before in (4, 0):
            day = last - timedelta(weeks=weeks_before)
            if day >= move_in:
                contact(client, day, note=rng.choice(VISIT_NOTES))
    bulk_create_with_history(placements, Placement, batch_size=2000, **history)
    bulk_create_with_history(contacts, Contact, batch_size=4000, **history)
    # Bulk inserts send no save signals: tell the housing read model, as a save would.
    state.client_records_changed({record.client_id for record in placements + contacts})
