"""Who may open the assessment pages: the client's case manager and their team's supervisor
read and write; auditors (and administrators) read; anyone else gets 404, as if the client
did not exist; signed-out visitors go to the sign-in page."""

import pytest
from django.urls import reverse

from enrollments.models import Assessment

from .conftest import answers, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(program, enrollment):
    return record(enrollment, program.case_manager)


def urls(client, assessment):
    return {
        "list": reverse("enrollments:assessments", args=[client.pk]),
        "new": reverse("enrollments:assessment_new", args=[client.pk]) + "?stage=update",
        "detail": reverse(
            "enrollments:assessment_detail",
            kwargs={"client_id": client.pk, "assessment_id": assessment.pk},
        ),
    }


@pytest.mark.parametrize("page", ["list", "new", "detail"])
@pytest.mark.parametrize("who", ["other_case_manager", "other_supervisor", "teammate"])
def test_staff_outside_the_clients_scope_get_404(program, login, assessment, page, who):
    browser = login(getattr(program, who))
    url = urls(program.client, assessment)[page]
    assert browser.get(url).status_code == 404
    if page == "new":
        assert browser.post(url, answers(information_date="2025-03-01")).status_code == 404
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_auditors_and_administrators_read_the_list_and_an_assessment(
    program, login, assessment, who
):
    browser = login(getattr(program, who))
    pages = urls(program.client, assessment)
    assert browser.get(pages["list"]).status_code == 200
    detail = browser.get(pages["detail"])
    assert detail.status_code == 200 and "$943.00" in detail.content.decode()


def test_an_auditor_cannot_write(program, login, assessment):
    browser = login(program.auditor)
    url = urls(program.client, assessment)["new"]
    assert browser.get(url).status_code == 403
    assert browser.post(url, answers(information_date="2025-03-01")).status_code == 403
    assert Assessment.objects.count() == 1
    assert (
        "Update</a>" not in browser.get(urls(program.client, assessment)["list"]).content.decode()
    )


def test_an_auditor_gets_404_for_a_client_that_does_not_exist(program, login):
    assert login(program.auditor).get("/clients/999999/assessments/").status_code == 404


def test_the_supervisor_of_the_team_reads_and_writes(program, login, assessment, clock):
    browser = login(program.supervisor)
    pages = urls(program.client, assessment)
    assert browser.get(pages["list"]).status_code == 200
    assert browser.get(pages["detail"]).status_code == 200
    assert browser.get(pages["new"]).status_code == 200
    response = browser.post(pages["new"], answers(information_date="2025-03-01"))
    assert response.status_code == 302
    assert Assessment.objects.latest("pk").recorded_by == program.supervisor


def test_the_case_manager_reads_and_writes(program, login, assessment, clock):
    browser = login(program.case_manager)
    pages = urls(program.client, assessment)
    assert browser.get(pages["list"]).status_code == 200
    assert browser.get(pages["detail"]).status_code == 200
    assert browser.post(pages["new"], answers(information_date="2025-03-01")).status_code == 302


@pytest.mark.parametrize("page", ["list", "new", "detail"])
def test_signed_out_visitors_go_to_sign_in(client, program, assessment, page):
    response = client.get(urls(program.client, assessment)[page])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
