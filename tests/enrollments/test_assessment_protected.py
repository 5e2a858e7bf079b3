"""A substance-use disorder answer (4.10) and the domestic-violence answers (4.11) are
protected as substance-use referrals are: need-to-know staff only, each look logged once per
page view, never outside the client's scope, never named in another record's history."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from enrollments.hud import DisabilityType
from enrollments.models import Assessment, DisabilityAnswer, DomesticViolenceAnswer
from housingfirst.models import AccessLogEntry

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(program, enrollment):
    return record(
        enrollment,
        program.case_manager,
        disability_substance_use="2",
        disability_substance_use_indefinite="1",
        dv_survivor="1",
        dv_when_occurred="2",
        dv_currently_fleeing="0",
    )


@pytest.fixture
def substance_use(assessment):
    return assessment.disabilities.get(disability_type=DisabilityType.SUBSTANCE_USE)


@pytest.fixture
def domestic_violence(assessment):
    return assessment.domestic_violence


def entries_for(record_):
    return AccessLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record_), object_id=str(record_.pk)
    )


def detail(assessment):
    return reverse(
        "enrollments:assessment_detail",
        kwargs={"client_id": assessment.client_id, "assessment_id": assessment.pk},
    )


@pytest.mark.parametrize("who", ["case_manager", "supervisor"])
def test_need_to_know_staff_see_the_answers_and_each_view_is_logged_once(
    program, login, assessment, substance_use, domestic_violence, who
):
    person = getattr(program, who)
    browser = login(person)
    page = browser.get(detail(assessment), REMOTE_ADDR="203.0.113.9").content.decode()
    assert "Drug use disorder" in page and "Three to six months ago" in page
    for answer in (substance_use, domestic_violence):
        entry = entries_for(answer).get()
        assert (entry.user, entry.client_id, entry.ip_address, entry.record_label) == (
            person,
            program.client.pk,
            "203.0.113.9",
            "Protected answer",
        )
    assert AccessLogEntry.objects.count() == 2
    browser.get(detail(assessment))
    assert entries_for(substance_use).count() == 2 and entries_for(domestic_violence).count() == 2


@pytest.mark.parametrize("who", ["auditor", "admin"])
def test_auditors_and_administrators_do_not_see_them_in_pages(program, login, assessment, who):
    page = login(getattr(program, who)).get(detail(assessment))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Drug use disorder" not in text and "Three to six months ago" not in text
    assert "Mental health disorder" in text  # the answers that are not protected
    assert page.context["domestic_violence"] is None
    assert not AccessLogEntry.objects.exists()


def test_staff_outside_the_scope_never_see_them_and_nothing_is_logged(program, login, assessment):
    for who in (program.other_case_manager, program.other_supervisor):
        assert login(who).get(detail(assessment)).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_list_shows_no_protected_answer_and_logs_nothing(program, login, assessment):
    page = login(program.case_manager).get(
        reverse("enrollments:assessments", args=[program.client.pk])
    )
    assert "Drug use" not in page.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_a_view_logs_only_the_protected_answers_it_shows(program, login, enrollment):
    assessment = record(enrollment, program.case_manager)
    login(program.case_manager).get(detail(assessment))
    logged = {(entry.content_type.model, entry.object_id) for entry in AccessLogEntry.objects.all()}
    substance_use = assessment.disabilities.get(disability_type=DisabilityType.SUBSTANCE_USE)
    assert logged == {
        ("disabilityanswer", str(substance_use.pk)),
        ("domesticviolenceanswer", str(assessment.domestic_violence.pk)),
    }


def test_the_assessments_own_history_never_names_them(program, login, assessment):
    from housingfirst.history import change_entries

    text = str(
        [
            (entry.record_label, [(c.label, c.old, c.new) for c in entry.changes])
            for entry in change_entries(Assessment.history.filter(id=assessment.pk))
        ]
    )
    assert "Drug" not in text and "domestic" not in text.lower() and "fleeing" not in text


def test_the_clients_history_shows_them_to_need_to_know_staff_and_logs_each(
    program, login, assessment, substance_use, domestic_violence
):
    page = login(program.case_manager).get(reverse("clients:history", args=[program.client.pk]))
    assert page.status_code == 200
    assert entries_for(substance_use).filter(user=program.case_manager).count() == 1
    assert entries_for(domestic_violence).filter(user=program.case_manager).count() == 1
    assert entries_for(substance_use).get().record_label == "Protected answer"


def test_an_auditors_look_at_the_change_log_is_logged(
    program, login, assessment, substance_use, domestic_violence
):
    browser = login(program.auditor)
    assert browser.get("/audit/", {"client": program.client.pk}).status_code == 200
    assert entries_for(substance_use).filter(user=program.auditor).count() == 1
    assert entries_for(domestic_violence).filter(user=program.auditor).count() == 1
    plain = assessment.disabilities.get(disability_type=DisabilityType.PHYSICAL)
    assert not entries_for(plain).exists()


def test_the_protected_querysets_name_exactly_the_protected_rows(assessment, substance_use):
    assert list(DisabilityAnswer.objects.protected()) == [substance_use]
    assert list(DomesticViolenceAnswer.objects.protected()) == [assessment.domestic_violence]
