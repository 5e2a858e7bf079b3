"""seed_demo builds notes, plans (and one choice of no plan) and appointments."""

import pytest
from django.core.management import call_command

from appointments.models import Appointment
from casenotes.models import Note
from plans.models import Goal, Plan, Step

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_notes_plans_and_appointments(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Note.objects.count() >= 10 and Note.objects.protected().exists()
    assert Plan.objects.filter(chose_no_plan=True).count() == 1
    assert Goal.objects.exists() and Step.objects.filter(done_on__isnull=False).exists()
    assert Appointment.objects.count() >= 5
    assert Note.history.filter(history_actor="command:seed_demo").exists()
