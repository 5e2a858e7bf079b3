"""Plans for tests, through the real services."""

import factory

from plans import services
from plans.models import Goal, Plan, Progress, Step
from tests.casenotes.factories import topic
from tests.factories import ClientFactory, UserFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    client = factory.SubFactory(ClientFactory)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    client = factory.SelfAttribute("plan.client")
    area = factory.LazyFunction(topic)
    in_their_words = "Keep my place and have my kids stay over."


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    client = factory.SelfAttribute("goal.client")
    what = "Buy a second bed"


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Progress

    goal = factory.SubFactory(GoalFactory)
    client = factory.SelfAttribute("goal.client")
    written_by = factory.SubFactory(UserFactory)
    text = "Found a bed at the furniture bank."


def plan_with_goal(client, *, by, words="Keep my place.", steps=("Call the landlord",)):
    plan = services.plan_start(client=client, by=by)
    goal = services.goal_add(goal=Goal(plan=plan, in_their_words=words, area=topic()), by=by)
    for what in steps:
        services.step_add(step=Step(goal=goal, what=what), by=by)
    return plan, goal
