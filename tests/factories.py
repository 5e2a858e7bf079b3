"""factory_boy factories for every test, and the staff set of every role."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clients import services
from clients.models import Client, Team, TeamCaseManager, TeamRole, TeamSupervisor
from housingfirst.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).value))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class TeamCaseManagerFactory(factory.django.DjangoModelFactory):
    """A membership row as such (the audit tests); set-up code joins with ``join_team``."""

    class Meta:
        model = TeamCaseManager

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory, role=Role.CASE_MANAGER)


class TeamSupervisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamSupervisor

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory, role=Role.SUPERVISOR)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(1980, 5, 17)
    program_start_date = date(2024, 1, 15)


def make_case_manager(team, username=None, **kwargs):
    if username:
        kwargs["username"] = username
    user = UserFactory(role=Role.CASE_MANAGER, **kwargs)
    join_team(team, user, TeamRole.CASE_MANAGER)
    return user


def join_team(team, person, role=TeamRole.CASE_MANAGER):
    """The person joins the team through the membership service (history and all)."""
    services.team_membership_change(
        team=team, role=role, joined=[person], by=None, reason="Test set-up"
    )


def client_of(case_manager, **fields):
    """A client assigned to this case manager through the real service (grants included)."""
    client = ClientFactory(**fields)
    services.client_assign(
        client=client, case_manager=case_manager, assigned_by=None, reason="Test set-up"
    )
    client.refresh_from_db()
    return client


def bulk_caseload(case_manager, count):
    """Many clients for one case manager at once (query-count tests): rows and grants only."""
    from django.contrib.auth.models import Permission

    from clients.models import ClientUserObjectPermission

    team = case_manager.teams.first()
    clients = Client.objects.bulk_create(
        [
            Client(first_name=f"Bulk{n}", last_name="Client", case_manager=case_manager, team=team)
            for n in range(count)
        ]
    )
    permissions = Permission.objects.filter(
        content_type__app_label="clients", codename__in=services.CASE_MANAGER_PERMISSIONS
    )
    ClientUserObjectPermission.objects.bulk_create(
        [
            ClientUserObjectPermission(content_object=c, user=case_manager, permission=p)
            for c in clients
            for p in permissions
        ]
    )
    return clients


# A valid intake form (clients:create), for tests that enrol someone through the page.
INTAKE_FORM = {
    "first_name": "Nia",
    "last_name": "Brooks",
    "date_of_birth": "1975-03-02",
    "program_start_date": "2025-02-01",
    "name_data_quality": "1",
    "dob_data_quality": "1",
    "ssn_data_quality": "99",
    "sex": "0",
    "veteran_status": "0",
    "disabling_condition": "1",
}


def form_values(form) -> dict:
    """What a browser sends back for a form as it was opened: every filled-in field."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


# Program enrollment (issue 12) ------------------------------------------------------------


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrollments.Organization"

    name = factory.Sequence(lambda n: f"Housing First Org {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrollments.Project"

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"PSH Project {n}")
    coc_code = "AA-999"
    operating_start_date = date(2020, 1, 1)
    is_default = False


def enrol(client, *, by=None, entry_date=None, project=None):
    """Enrol a client through the real service (head of a new household)."""
    from enrollments import services as enrollment_services
    from enrollments.models import Project

    project = project or Project.objects.filter(is_default=True).first() or ProjectFactory()
    return enrollment_services.enrollment_start(
        client=client, by=by, project=project, entry_date=entry_date or client.program_start_date
    )


# Program enrollment (HUD), saved directly so tests can build any past ----------------------


def make_project(**fields):
    """An operating PSH project (and its organization)."""
    from enrollments.models import Organization, Project

    organization = Organization.objects.create(name="Test Housing First Org")
    defaults = {"name": "Test PSH", "coc_code": "AA-999", "operating_start_date": date(2000, 1, 1)}
    fields = {**defaults, **fields}
    return Project.objects.create(organization=organization, **fields)


def make_enrollment(client, *, entry_date, project=None, household=None, relationship=1, **fields):
    """An enrollment of ``client`` (head of a new household unless one is given); ``fields``
    set anything else (exit_date, destination, living_situation...)."""
    from enrollments.models import Enrollment, Household, Project

    if project is None:
        project = household.project if household else Project.objects.first() or make_project()
    if household is None:
        household = Household.objects.create(project=project)
    return Enrollment.objects.create(
        client=client,
        project=project,
        household=household,
        relationship_to_head=relationship,
        entry_date=entry_date,
        **fields,
    )


def make_assessment(enrollment, *, stage, information_date=None, recorded_by=None, **fields):
    """An assessment at ``stage`` (1 entry, 2 update, 3 exit, 5 annual), dated on the entry
    or exit date unless ``information_date`` is given; answers in ``fields``."""
    from enrollments.models import Assessment

    if information_date is None:
        information_date = enrollment.exit_date if stage == 3 else enrollment.entry_date
    return Assessment.objects.create(
        client_id=enrollment.client_id,
        enrollment=enrollment,
        stage=stage,
        information_date=information_date,
        recorded_by=recorded_by or UserFactory(),
        **fields,
    )
