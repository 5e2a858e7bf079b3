"""factory_boy factories for enrollment records (the audit tests build one of each model)."""

from datetime import date

import factory

from enrollments.hud import DataCollectionStage, DisabilityType, NoYesReasons
from enrollments.models import (
    Assessment,
    DisabilityAnswer,
    DomesticViolenceAnswer,
    Enrollment,
    Household,
)
from tests.factories import ClientFactory, ProjectFactory, UserFactory


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    project = factory.SubFactory(ProjectFactory)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    client = factory.SubFactory(ClientFactory)
    household = factory.SubFactory(HouseholdFactory)
    project = factory.SelfAttribute("household.project")
    entry_date = date(2024, 1, 15)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    enrollment = factory.SubFactory(EnrollmentFactory)
    client = factory.SelfAttribute("enrollment.client")
    stage = DataCollectionStage.PROJECT_START
    information_date = factory.SelfAttribute("enrollment.entry_date")
    income_from_any_source = NoYesReasons.NO
    total_monthly_income = 0
    benefits_from_any_source = NoYesReasons.NO
    insurance_from_any_source = NoYesReasons.NO
    recorded_by = factory.SubFactory(UserFactory)


class DisabilityAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisabilityAnswer

    assessment = factory.SubFactory(AssessmentFactory)
    client = factory.SelfAttribute("assessment.client")
    disability_type = DisabilityType.PHYSICAL
    response = NoYesReasons.NO


class DomesticViolenceAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DomesticViolenceAnswer

    assessment = factory.SubFactory(AssessmentFactory)
    client = factory.SelfAttribute("assessment.client")
    survivor = NoYesReasons.NO
