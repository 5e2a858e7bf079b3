"""Fixtures shared by every test: the people of two teams, one of each role.

Like Healthchecks' BaseTestCase, every view test can ask who may and who may not: the own
case manager, another case manager of the same team, a supervisor of the team, a supervisor
of another team, an auditor, an administrator, and an anonymous visitor.
"""

from dataclasses import dataclass

import pytest

from housingfirst.roles import Role

from .factories import TeamFactory, UserFactory, client_of, make_case_manager


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests talk plain HTTP to the test client and need no collected static files.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Program:
    team: object
    other_team: object
    case_manager: object
    teammate: object
    other_case_manager: object
    supervisor: object
    other_supervisor: object
    auditor: object
    admin: object
    client: object
    teammate_client: object
    other_client: object


@pytest.fixture
def program(db):
    team = TeamFactory(name="Team A")
    other_team = TeamFactory(name="Team B")
    case_manager = make_case_manager(team, username="cm_own")
    teammate = make_case_manager(team, username="cm_teammate")
    other_case_manager = make_case_manager(other_team, username="cm_other")
    supervisor = UserFactory(username="sup_own", role=Role.SUPERVISOR)
    team.supervisors.add(supervisor)
    other_supervisor = UserFactory(username="sup_other", role=Role.SUPERVISOR)
    other_team.supervisors.add(other_supervisor)
    auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return Program(
        team=team,
        other_team=other_team,
        case_manager=case_manager,
        teammate=teammate,
        other_case_manager=other_case_manager,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        auditor=auditor,
        admin=admin,
        client=client_of(case_manager, first_name="Rosa", last_name="Parker"),
        teammate_client=client_of(teammate, first_name="Tom", last_name="Teammate"),
        other_client=client_of(other_case_manager, first_name="Olga", last_name="Other"),
    )


@pytest.fixture
def login(client):
    """Sign a person in on the test client: ``login(program.case_manager)``."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
