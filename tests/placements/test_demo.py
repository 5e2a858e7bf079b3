import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.models import Client
from placements import state as housing_state
from placements.models import Contact, Placement
from placements.selectors import HousingStatus, with_housing_stability
from placements.visits import with_visit_schedule

pytestmark = pytest.mark.django_db


def test_seed_demo_has_every_housing_state_and_overdue_visits(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    clients = with_visit_schedule(with_housing_stability(Client.objects.all()))
    statuses = {client.housing_status for client in clients}
    assert statuses == set(HousingStatus.values)
    # Rehoused: housed again after an exit, or searching again after one.
    housed, searching = HousingStatus.HOUSED, HousingStatus.SEARCHING
    assert any(c.housing_status == housed and c.placements_moved_in >= 2 for c in clients)
    assert any(c.housing_status == searching and c.days_housed for c in clients)
    today = timezone.localdate()
    due = [c.next_visit_due for c in clients if c.next_visit_due]
    assert any(d < today for d in due) and any(d >= today for d in due)
    assert set(Contact.objects.values_list("kind", flat=True)) == set(Contact.Kind.values)
    # Written through the services, as each client's case manager.
    contact = Contact.objects.select_related("client").first()
    row = Contact.history.filter(id=contact.pk).earliest("history_id")
    assert row.history_user == contact.made_by == contact.client.case_manager
    assert row.history_actor == "command:seed_demo"


def test_seed_demo_large_program_bulk_inserts_with_history(settings):
    settings.DEBUG = True
    # Without the reminder sweep, which would correct the housing read model on its own.
    call_command("seed_demo", clients=300, without_reminders=True)
    # The small program's 30 and a child who joined a household (enrollments.demo).
    extra = Client.objects.filter(first_name__isnull=False).count() - 31
    assert extra == 300
    placements = Placement.objects.count()
    assert placements > 200
    assert Placement.history.filter(history_change_reason="Demo data").count() > 200
    assert Contact.history.count() == Contact.objects.count()
    states = {placement.state for placement in Placement.objects.all()}
    assert states == set(Placement.State.values)
    # Bulk inserts send no signals: the housing read model was kept all the same.
    assert housing_state.reconcile() == []
