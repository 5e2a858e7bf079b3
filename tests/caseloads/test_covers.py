"""Cover: a colleague gets access from the first day through the last, and loses it after;
every grant and revocation is in the history, with who (or which job) and why."""

from datetime import timedelta

import pytest
from django.urls import reverse

from clients import services, tasks
from clients.models import ClientUserObjectPermission, Cover
from tests.clock import at

from ..factories import client_of
from .conftest import TODAY
from .factories import cover, local

pytestmark = pytest.mark.django_db

JOB = "job:end_expired_covers"


def detail(client):
    return reverse("clients:detail", args=[client.pk])


def can_open(login, user, client) -> bool:
    status = login(user).get(detail(client)).status_code
    assert status in (200, 404)
    return status == 200


def grant_rows(client, user, kind):
    return ClientUserObjectPermission.history.filter(
        content_object_id=client.pk, user_id=user.pk, history_type=kind
    )


def arrange(login, program, **data):
    fields = {
        "covering": program.teammate.pk,
        "scope": "caseload",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=2)).isoformat(),
        "reason": "Annual leave",
    }
    fields.update(data)
    return login(program.supervisor).post(
        reverse("caseloads:cover_create", args=[program.case_manager.pk]), fields
    )


def test_cover_starting_today_gives_access_at_once_with_history(clock, program, login):
    assert not can_open(login, program.teammate, program.client)

    response = arrange(login, program)

    assert response.status_code == 302
    assert can_open(login, program.teammate, program.client)
    granted = grant_rows(program.client, program.teammate, "+")
    assert granted.count() == 2  # view and change
    for row in granted:
        assert row.history_user == program.supervisor
        assert "Cover started" in row.history_change_reason
        assert "Annual leave" in row.history_change_reason
    cover_row = Cover.history.order_by("history_id").last()
    assert cover_row.history_user == program.supervisor
    assert cover_row.started_at is not None


def test_cover_starting_later_is_started_by_the_beat_task_on_its_first_day(clock, program, login):
    first_day = TODAY + timedelta(days=3)
    response = arrange(
        login,
        program,
        starts_on=first_day.isoformat(),
        ends_on=(first_day + timedelta(days=4)).isoformat(),
    )
    assert response.status_code == 302
    tasks.end_expired_covers()
    assert not can_open(login, program.teammate, program.client)

    clock.move_to(local(first_day, 0).replace(minute=5))
    tasks.end_expired_covers()

    assert can_open(login, program.teammate, program.client)
    row = grant_rows(program.client, program.teammate, "+").first()
    assert row.history_actor == JOB
    assert row.history_user is None
    assert "Cover started" in row.history_change_reason


def test_cover_ends_after_its_last_day_by_the_beat_task(clock, program, login):
    cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=2))

    clock.move_to(at(TODAY + timedelta(days=2)))
    tasks.end_expired_covers()
    assert can_open(login, program.teammate, program.client), "the last day is covered"

    clock.move_to(local(TODAY + timedelta(days=3), 0).replace(minute=15))
    tasks.end_expired_covers()

    assert not can_open(login, program.teammate, program.client)
    assert can_open(login, program.teammate, program.teammate_client), "own client kept"
    revoked = grant_rows(program.client, program.teammate, "-")
    assert revoked.count() == 2
    for row in revoked:
        assert row.history_actor == JOB
        assert "Cover ended" in row.history_change_reason
        assert "last day has passed" in row.history_change_reason
    ended = Cover.objects.get()
    assert ended.state == "ended" and ended.ended_by is None


def test_supervisor_ends_a_cover_early_with_a_reason(clock, program, login):
    arranged = cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=10))
    assert can_open(login, program.teammate, program.client)

    response = login(program.supervisor).post(
        reverse("caseloads:cover_end", args=[arranged.pk]), {"reason": "Back early"}
    )

    assert response.status_code == 302
    assert not can_open(login, program.teammate, program.client)
    for row in grant_rows(program.client, program.teammate, "-"):
        assert row.history_user == program.supervisor
        assert "Back early" in row.history_change_reason
    arranged.refresh_from_db()
    assert arranged.ended_by == program.supervisor and arranged.end_reason == "Back early"


def test_ending_a_cover_needs_a_reason(clock, program, login):
    arranged = cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=10))
    response = login(program.supervisor).post(
        reverse("caseloads:cover_end", args=[arranged.pk]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert can_open(login, program.teammate, program.client)


def test_cover_of_some_clients_gives_access_to_those_only(clock, program, login):
    second = client_of(program.case_manager, first_name="Sam", last_name="Second")

    response = arrange(login, program, scope="clients", clients=[second.pk])

    assert response.status_code == 302
    assert can_open(login, program.teammate, second)
    assert not can_open(login, program.teammate, program.client)
    assert list(Cover.objects.get().clients.all()) == [second]


def test_cover_of_some_clients_needs_clients(clock, program, login):
    response = arrange(login, program, scope="clients")
    assert response.status_code == 200
    assert not Cover.objects.exists()


def test_cover_cannot_start_in_the_past(clock, program, login):
    response = arrange(login, program, starts_on=(TODAY - timedelta(days=1)).isoformat())
    assert response.status_code == 200
    assert "A cover starts today or later." in response.content.decode()
    assert not Cover.objects.exists()


def test_a_case_manager_cannot_cover_for_themselves(clock, program, login):
    response = arrange(login, program, covering=program.case_manager.pk)
    assert response.status_code == 200
    assert not Cover.objects.exists()


def test_cover_never_takes_away_the_covering_persons_own_clients(clock, program, login):
    # Cover the teammate's caseload by the case manager, and the other way round, then end one:
    # each keeps their own clients.
    one = cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=5))
    cover(
        program,
        case_manager=program.teammate,
        covering=program.case_manager,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=5),
    )
    services.cover_end(cover=one, reason="Back", by=program.supervisor)

    assert can_open(login, program.teammate, program.teammate_client)
    assert not can_open(login, program.teammate, program.client)
    assert can_open(login, program.case_manager, program.client)
    assert can_open(login, program.case_manager, program.teammate_client)


def test_overlapping_covers_keep_access_until_the_last_one_ends(clock, program, login):
    whole = cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=2))
    cover(
        program,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=9),
        clients=[program.client],
    )
    services.cover_end(cover=whole, reason="Back", by=program.supervisor)
    assert can_open(login, program.teammate, program.client)

    clock.move_to(at(TODAY + timedelta(days=10)))
    tasks.end_expired_covers()
    assert not can_open(login, program.teammate, program.client)


def test_client_handed_to_the_covering_person_stays_with_them(clock, program, login):
    arranged = cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=2))
    services.clients_reassign(
        clients=[program.client],
        case_manager=program.teammate,
        reassigned_by=program.supervisor,
        reason="Staying with the colleague",
    )
    services.cover_end(cover=arranged, reason="Back", by=program.supervisor)
    assert can_open(login, program.teammate, program.client)


def test_whole_caseload_cover_includes_clients_assigned_during_it(clock, program, login):
    cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=5))
    # Handed over in the caseload review: covered at once.
    moved = services.clients_reassign(
        clients=[program.teammate_client],
        case_manager=program.case_manager,
        reassigned_by=program.supervisor,
        reason="Balancing",
    )
    assert moved == [program.teammate_client]
    # Enrolled elsewhere (intake): covered by the next run of the beat task.
    newcomer = client_of(program.case_manager, first_name="Nia", last_name="New")
    assert not can_open(login, program.teammate, newcomer)
    tasks.end_expired_covers()
    assert can_open(login, program.teammate, newcomer)

    clock.move_to(at(TODAY + timedelta(days=6)))
    tasks.end_expired_covers()
    assert not can_open(login, program.teammate, newcomer)


def test_beat_task_is_idempotent(clock, program, login):
    cover(program, starts_on=TODAY, ends_on=TODAY)
    clock.move_to(at(TODAY + timedelta(days=1)))
    first = tasks.end_expired_covers()
    history_rows = ClientUserObjectPermission.history.count()
    second = tasks.end_expired_covers()
    assert first["ended"] == 1
    assert second == {"ended": 0, "started": 0, "extended": 0}
    assert ClientUserObjectPermission.history.count() == history_rows


def test_scheduled_cover_cancelled_before_it_starts_grants_nothing(clock, program, login):
    later = cover(program, starts_on=TODAY + timedelta(days=2), ends_on=TODAY + timedelta(days=4))
    services.cover_end(cover=later, reason="Leave cancelled", by=program.supervisor)
    clock.move_to(at(TODAY + timedelta(days=2)))
    tasks.end_expired_covers()
    assert not can_open(login, program.teammate, program.client)
    assert not grant_rows(program.client, program.teammate, "+").exists()


def test_covering_person_sees_covered_clients_marked(clock, program, login):
    cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=2))
    name = program.case_manager.get_full_name()
    browser = login(program.teammate)

    listing = browser.get(reverse("clients:list")).content.decode()
    page = browser.get(detail(program.client)).content.decode()

    assert f"Covering for {name} until Mar 16" in listing
    assert f"Covering for {name} until Mar 16" in page
    # Their own client carries no badge.
    own = browser.get(detail(program.teammate_client)).content.decode()
    assert "Covering for" not in own


def test_supervisor_sees_who_covers(clock, program, login):
    cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=2))
    page = login(program.supervisor).get(detail(program.client)).content.decode()
    assert f"Covered by {program.teammate.get_full_name()} until Mar 16" in page


def test_cover_list_shows_current_and_ended_covers(clock, program, login):
    active = cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=2))
    ended = cover(
        program,
        case_manager=program.teammate,
        covering=program.case_manager,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=2),
    )
    services.cover_end(cover=ended, reason="Back early", by=program.supervisor)

    response = login(program.supervisor).get(reverse("caseloads:covers"))

    assert list(response.context["current"]) == [active]
    assert list(response.context["ended"]) == [ended]
    assert "Back early" in response.content.decode()


def test_beat_schedules_the_cover_task(settings):
    from housingfirst.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["end-expired-covers"]
    app.loader.import_default_modules()
    assert entry["task"] == tasks.end_expired_covers.name
    assert entry["task"] in app.tasks


def test_reassignment_out_of_the_covered_caseload_ends_the_covers_access(clock, program, login):
    """The adversarial finding: cover access outlived the client's reassignment."""
    from referrals.models import ServiceType

    from ..referrals.factories import referral_at, substance_use_provider

    referral = referral_at(
        "offered",
        client=program.client,
        by=program.case_manager,
        provider=substance_use_provider(),
        service_type=ServiceType.SUBSTANCE_USE,
    )
    cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=10))
    assert can_open(login, program.teammate, program.client)

    services.client_assign(
        client=program.client,
        case_manager=program.other_case_manager,
        assigned_by=program.admin,
        reason="Moved to team B",
    )

    assert not can_open(login, program.teammate, program.client)
    referral_url = reverse(
        "client_referrals:detail",
        kwargs={"client_id": program.client.pk, "referral_id": referral.pk},
    )
    assert login(program.teammate).get(referral_url).status_code == 404
    revoked = grant_rows(program.client, program.teammate, "-")
    assert revoked.exists()
    assert {row.history_change_reason for row in revoked} == {
        "Cover released: the client was reassigned. Moved to team B"
    }
    assert program.client.covered_in.get().released_at is not None
    # The rest of the covered caseload stays covered.
    other = client_of(program.case_manager, first_name="Still", last_name="Covered")
    services.covers_update()
    assert can_open(login, program.teammate, other)


def test_exit_from_the_program_ends_the_covers_access(clock, program, login):
    cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=10))
    profile = program.client
    profile.status = profile.Status.EXITED
    services.client_profile_update(
        client=profile, by=program.case_manager, expected_version=profile.version
    )
    assert not can_open(login, program.teammate, program.client)
    assert can_open(login, program.case_manager, program.client)
    revoked = grant_rows(program.client, program.teammate, "-")
    assert {row.history_change_reason for row in revoked} == {
        "Cover released: the client exited the program."
    }


def test_reassignment_to_the_covering_colleague_keeps_their_access(clock, program, login):
    cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=10))
    services.client_assign(
        client=program.client,
        case_manager=program.teammate,
        assigned_by=program.supervisor,
        reason="Taking over",
    )
    assert can_open(login, program.teammate, program.client)
    assert not can_open(login, program.case_manager, program.client)


# "End this cover", with a way back that is not "Cancel" --------------------------------------


def test_ending_a_cover_is_named_for_what_it_does_with_a_way_back(clock, program, login):
    arranged = cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=10))
    url = reverse("caseloads:cover_end", args=[arranged.pk])
    text = login(program.supervisor).get(url).content.decode()

    assert '<button type="submit" class="button danger">End this cover</button>' in text
    assert f'<a href="{reverse("caseloads:covers")}" class="button">Keep the cover</a>' in text
    assert "Cancel" not in text
    list_page = login(program.supervisor).get(reverse("caseloads:covers")).content.decode()
    assert ">End this cover<span" in list_page and "Cancel" not in list_page


def test_an_upcoming_cover_also_ends_rather_than_cancels(clock, program, login):
    later = cover(program, starts_on=TODAY + timedelta(days=3), ends_on=TODAY + timedelta(days=10))
    text = login(program.supervisor).get(reverse("caseloads:cover_end", args=[later.pk]))
    text = text.content.decode()
    assert "End this cover before it starts?" in text and "Cancel" not in text
    assert "Keep the cover" in text


def test_keep_the_cover_goes_back_to_the_caseload_it_came_from(clock, program, login):
    arranged = cover(program, starts_on=TODAY, ends_on=TODAY + timedelta(days=10))
    caseload = reverse("caseloads:case_manager", args=[program.case_manager.pk])
    browser = login(program.supervisor)
    page = browser.get(caseload).content.decode()
    end_url = reverse("caseloads:cover_end", args=[arranged.pk])
    assert f'href="{end_url}?next={caseload}">End this cover' in page

    text = browser.get(end_url, {"next": caseload}).content.decode()
    assert f'<a href="{caseload}" class="button">Keep the cover</a>' in text
    assert Cover.objects.get().ended_at is None  # looking is not ending

    # Another site is never a way back.
    text = browser.get(end_url, {"next": "https://example.org/"}).content.decode()
    assert 'href="https://example.org/"' not in text
    assert f'<a href="{reverse("caseloads:covers")}" class="button">Keep the cover</a>' in text

    response = browser.post(end_url, {"reason": "Back early", "next": caseload})
    assert response.status_code == 302 and response["Location"] == caseload
