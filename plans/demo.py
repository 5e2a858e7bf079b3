"""Demo plans (called by ``seed_demo``): goals in clients' words, steps, one choice of no plan."""

from datetime import timedelta

from django.utils import timezone

from clients.demo import DemoProgram
from clients.models import Client

from . import services
from .models import Goal, Step

GOALS = [
    (
        "Keep my place and have my kids stay over on weekends.",
        "Housing",
        ["Ask the landlord about a second bed", "Visit the furniture bank"],
    ),
    (
        "Get my ID back so I can open a bank account.",
        "Legal",
        ["Find my birth certificate", "Go to the DMV together"],
    ),
]


def assigned_clients(program: DemoProgram) -> list:
    ids = [client.pk for client in program.clients]
    return list(
        Client.objects.filter(pk__in=ids, case_manager__isnull=False)
        .select_related("case_manager")
        .order_by("pk")
    )


def seed(program: DemoProgram, large: bool = False) -> None:
    # The goal areas are the case-note topics, reached through the field (no import).
    topics = Goal._meta.get_field("area").related_model.objects
    clients = assigned_clients(program)[:8]
    for index, client in enumerate(clients):
        by = client.case_manager
        if index == 3:
            services.plan_record_no_plan(client=client, by=by, words="Not right now.")
            continue
        plan = services.plan_start(client=client, by=by)
        for words, area, steps in GOALS[: 1 + index % 2]:
            goal = services.goal_add(
                goal=Goal(plan=plan, in_their_words=words, area=topics.get(name=area)),
                by=by,
            )
            for n, what in enumerate(steps):
                step = services.step_add(
                    step=Step(
                        goal=goal,
                        what=what,
                        due_on=timezone.localdate() + timedelta(days=14 * (n + 1)),
                    ),
                    by=by,
                )
                if n == 0 and index % 2 == 0:
                    services.step_mark_done(step=step, by=by)
