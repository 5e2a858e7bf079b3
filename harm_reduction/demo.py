"""Demo harm-reduction records (called by ``seed_demo``): two sites, a few months of supplies,
two overdose responses (one linked to a client at their request), three trainings, and a lot
that expires soon. Everything goes through the services, so stock and history are real.
"""

from datetime import timedelta

from django.utils import timezone

from clients.demo import DemoProgram
from housingfirst.audit import change_reason

from . import services
from .models import FundingSource, ItemKind, OverdoseResponse, Site, SiteStaff, StockMinimum

FUNDERS = ["County health department", "State opioid response grant", "Program funds"]


def seed(program: DemoProgram, large: bool = False) -> None:
    today = timezone.localdate()
    staff = program.case_managers[0]
    with change_reason("Demo data"):
        building = Site.objects.create(name="Maple Court", kind=Site.Kind.BUILDING, tenant_count=48)
        office = Site.objects.create(
            name="Scattered-site office", kind=Site.Kind.OFFICE, tenant_count=30
        )
        for site in (building, office):
            SiteStaff.objects.create(site=site, user=staff)
        funders = [FundingSource.objects.create(name=name) for name in FUNDERS]
    items = {item.name: item for item in ItemKind.objects.all()}
    nasal = items["Naloxone nasal spray 4 mg"]
    strips = items["Fentanyl test strips"]
    wound = items["Wound-care supplies"]
    with change_reason("Demo data"):
        StockMinimum.objects.create(site=building, item=nasal, minimum=20)
        # The office runs under its minimum: a reminder to order more.
        StockMinimum.objects.create(site=office, item=nasal, minimum=15)

    def receive(site, item, quantity, days_ago, expires_in, lot):
        services.stock_receive(
            site=site,
            item=item,
            lot_number=lot,
            received_on=today - timedelta(days=days_ago),
            expires_on=today + timedelta(days=expires_in),
            quantity=quantity,
            by=staff,
        )

    # Received before the four months of handing out below (but one recent lot).
    receive(building, nasal, 60, 130, 600, "NX-2291")
    receive(building, nasal, 12, 5, 21, "NX-1870")  # expires soon: a reminder for the staff
    receive(building, strips, 200, 130, 400, "FTS-554")
    receive(office, nasal, 30, 125, 500, "NX-2304")
    receive(office, wound, 80, 125, 700, "WC-118")

    # A few months of handing out: first kits and refills, several funders.
    plan = [
        (building, nasal, 2, "tenant", "first", "", 0),
        (building, nasal, 1, "tenant", "refill", "used", 1),
        (building, strips, 10, "tenant", "first", "", 1),
        (office, nasal, 2, "community", "first", "", 2),
        (office, wound, 5, "tenant", "first", "", 0),
        (building, nasal, 1, "staff", "refill", "expired", 2),
        (building, strips, 20, "visitor", "first", "", 0),
        (office, nasal, 1, "tenant", "refill", "lost", 1),
    ]
    for month_offset in range(4):
        for index, (site, item, quantity, role, kind, reason, funder) in enumerate(plan):
            services.distribution_record(
                site=site,
                item=item,
                quantity=quantity,
                given_on=today - timedelta(days=30 * month_offset + index * 3),
                recipient_role=role,
                funding_source=funders[funder],
                kind=kind,
                refill_reason=reason,
                training_given=kind == "first",
                by=staff,
            )

    linked_client = program.clients[0] if program.clients else None
    services.overdose_response_record(
        by=staff,
        occurred_at=timezone.now() - timedelta(days=12, hours=3),
        site=building,
        zone="Lobby",
        naloxone_doses=2,
        naloxone_route=OverdoseResponse.Route.NASAL,
        called_911=True,
        ems_arrived=True,
        outcome=OverdoseResponse.Outcome.TRANSPORTED,
        responder_role=OverdoseResponse.Responder.STAFF,
        follow_up=OverdoseResponse.FollowUp.TAKEN,
    )
    services.overdose_response_record(
        by=staff,
        client=linked_client,  # the person asked for it to be kept in their record
        occurred_at=timezone.now() - timedelta(days=40, hours=5),
        site=building,
        zone="3rd floor hallway",
        naloxone_doses=1,
        naloxone_route=OverdoseResponse.Route.NASAL,
        called_911=True,
        ems_arrived=True,
        outcome=OverdoseResponse.Outcome.RESPONSIVE,
        responder_role=OverdoseResponse.Responder.TENANT,
        follow_up=OverdoseResponse.FollowUp.DECLINED,
    )
    for days_ago, site, audience, people, kits in [
        (20, building, "tenants", 12, 6),
        (50, building, "staff", 9, 0),
        (75, office, "tenants", 7, 4),
    ]:
        services.training_record(
            site=site,
            held_on=today - timedelta(days=days_ago),
            audience=audience,
            people_trained=people,
            naloxone_kits=kits,
            naloxone_item=nasal if kits else None,
            funding_source=funders[0] if kits else None,
            by=staff,
        )
