"""Every write to clients: intake, profile edits, assignment, cover, and object-permission
grants. Each takes the acting person and announces what happened (``clients.events``) inside
its transaction, for whoever reacts (reminders follow the client, close when they leave)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from housingfirst.audit import acting_person, change_reason
from housingfirst.people import person_name
from housingfirst.versioning import save_versioned

from .duplicates import possible_duplicates
from .events import (
    client_admitted,
    client_left_program,
    client_reassigned,
    duplicate_review_requested,
    duplicate_reviewed,
)
from .models import (
    TEAM_MEMBERSHIP_MODELS,
    Assignment,
    Client,
    ClientLink,
    ClientUserObjectPermission,
    Cover,
    CoveredClient,
    DuplicatePair,
    Team,
    TeamRole,
)

CASE_MANAGER_PERMISSIONS = ("view_client", "change_client")


def _permission(codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="clients", codename=codename)


def client_access_grant(*, client: Client, user, reason: str) -> None:
    """Give one person view and change access to one client (recorded in history)."""
    with change_reason(reason):
        for codename in CASE_MANAGER_PERMISSIONS:
            ClientUserObjectPermission.objects.get_or_create(
                content_object=client, user=user, permission=_permission(codename)
            )


def client_access_revoke(*, client: Client, user, reason: str) -> None:
    """Take one person's access to one client away; each grant's deletion is in history."""
    with change_reason(reason):
        for grant in ClientUserObjectPermission.objects.filter(content_object=client, user=user):
            grant.delete()


@transaction.atomic
def team_membership_change(
    *, team: Team, role: TeamRole, joined=(), left=(), by, reason: str = ""
) -> tuple[int, int]:
    """People join or leave a team in one role: the one way membership changes.

    Each person who joins or leaves is one history row of the membership (``TeamCaseManager``,
    ``TeamSupervisor``), by ``by``, with the reason: the change itself, never a copy of the
    whole team, so history grows with the changes, not with the team's size. Joining twice or
    leaving a team one is not in changes nothing. Returns (joined, left) counts.
    """
    model = TEAM_MEMBERSHIP_MODELS[TeamRole(role)]
    reason = reason.strip()
    with acting_person(by), change_reason(reason):
        leaving = {person.pk for person in left}
        departures = list(model.objects.filter(team=team, user_id__in=leaving)) if leaving else []
        for membership in departures:
            membership.delete()
        present = set(model.objects.filter(team=team).values_list("user_id", flat=True))
        arrivals, seen = [], set()
        for person in joined:
            if person.pk not in present and person.pk not in seen:
                seen.add(person.pk)
                arrivals.append(model(team=team, user=person))
        if arrivals:
            # One insert and one sealed batch of history rows, however many join at once.
            bulk_create_with_history(arrivals, model, default_user=by, default_change_reason=reason)
    return len(arrivals), len(departures)


def team_members_set(*, team: Team, role: TeamRole, people, by, reason: str = "") -> None:
    """Make these people the team's members in this role (the admin's form): whoever is new
    joins, whoever is missing leaves, through ``team_membership_change``."""
    people = list(people)
    wanted = {person.pk for person in people}
    model = TEAM_MEMBERSHIP_MODELS[TeamRole(role)]
    current = model.objects.filter(team=team).select_related("user")
    team_membership_change(
        team=team,
        role=role,
        joined=people,
        left=[membership.user for membership in current if membership.user_id not in wanted],
        by=by,
        reason=reason,
    )


def case_manager_team(case_manager) -> Team | None:
    return case_manager.teams.order_by("pk").first()


@transaction.atomic
def client_assign(
    *, client: Client, case_manager, assigned_by, reason: str, effective_at=None
) -> Assignment:
    """Hand a client to a case manager: end the current assignment, move access, keep the past.

    ``effective_at`` back-dates the hand-over (records brought over from paper or another
    system); by default it is now.
    """
    reason = reason.strip()
    now = effective_at or timezone.now()
    client = Client.objects.select_for_update().get(pk=client.pk)
    with change_reason(reason):
        current = client.assignments.filter(ended_at__isnull=True).first()
        if current is not None:
            if current.case_manager_id == case_manager.pk:
                return current
            current.ended_at = now
            current.save()
            client_access_revoke(client=client, user=current.case_manager, reason=reason)
        assignment = Assignment.objects.create(
            client=client,
            case_manager=case_manager,
            started_at=now,
            assigned_by=assigned_by,
            reason=reason,
        )
        client_access_grant(client=client, user=case_manager, reason=reason)
        client.case_manager = case_manager
        # Stay in the client's team when the new holder belongs to it (people in two teams).
        if client.team is None or not client.team.case_managers.filter(pk=case_manager.pk).exists():
            client.team = case_manager_team(case_manager) or client.team
        client.save()
        # A cover reaches a client only while they are in the covered caseload.
        covers_release_client(
            client=client,
            reason=f"Cover released: the client was reassigned. {reason}".strip(),
            keep_covers_of=case_manager,
        )
        client_reassigned.announce(
            sender=Client, client=client, case_manager=case_manager, reason=reason
        )
    return assignment


@transaction.atomic
def client_intake(*, client: Client, created_by, case_manager=None, ask_review=False) -> Client:
    """Enrol a new client; assign them when a case manager is known, else leave them queued.

    Possible duplicates are recorded for review; ``ask_review`` also asks the team's
    supervisors to look at them now (announced: reminders makes them a reminder)."""
    with acting_person(created_by), change_reason("Intake"):
        client.save()
        duplicates_find(client=client)
    if case_manager is not None:
        client_assign(
            client=client, case_manager=case_manager, assigned_by=created_by, reason="Intake"
        )
    client_admitted.announce(sender=Client, client=client, by=created_by)
    if ask_review:
        client.refresh_from_db()
        pairs = DuplicatePair.objects.open().filter(Q(first=client) | Q(second=client))
        for pair in pairs:
            duplicate_review_requested.announce(
                sender=DuplicatePair, pair=pair, client=client, by=created_by
            )
    return client


# Possible duplicates -----------------------------------------------------------------------------

DUPLICATE_FOUND = "Possible duplicate found"


def duplicates_find(*, client: Client) -> int:
    """Record this client's possible duplicates as pairs for a supervisor to review (pairs
    already known, dismissed ones included, stay as they are). Returns how many are new."""
    matches = possible_duplicates(
        first_name=client.first_name,
        last_name=client.last_name,
        preferred_name=client.preferred_name,
        date_of_birth=client.date_of_birth,
        ssn=client.ssn,
        exclude_pk=client.pk,
    )
    if not matches:
        return 0
    known = set(
        DuplicatePair.objects.filter(Q(first=client) | Q(second=client)).values_list(
            "first_id", "second_id"
        )
    )
    new = 0
    with change_reason(DUPLICATE_FOUND):
        for match in matches:
            first, second = sorted((client.pk, match.client.pk))
            if (first, second) in known:
                continue
            DuplicatePair.objects.create(
                first_id=first, second_id=second, score=match.score, reasons=match.why[:300]
            )
            new += 1
    return new


def duplicates_sweep(*, batch_size: int = 500) -> dict[str, int]:
    """The nightly job: look for possible duplicates of every client (one query each)."""
    counts = {"clients": 0, "new_pairs": 0}
    last = 0
    while True:
        batch = list(Client.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return counts
        with transaction.atomic():
            for client in batch:
                counts["new_pairs"] += duplicates_find(client=client)
        counts["clients"] += len(batch)
        last = batch[-1].pk


@transaction.atomic
def duplicate_dismiss(*, pair: DuplicatePair, by, note: str = "") -> DuplicatePair:
    """A supervisor found the two records to be different people: remembered, with who,
    when and why, and not offered again."""
    locked = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if locked.dismissed_at is not None:
        return locked
    locked.dismissed_at = timezone.now()
    locked.dismissed_by = by
    locked.dismiss_note = note.strip()
    reason = f"Different people. {locked.dismiss_note}".strip()
    with acting_person(by), change_reason(reason):
        locked.save()
        duplicate_reviewed.announce(sender=DuplicatePair, pair=locked, by=by)
    return locked


# Linking two records of one person -----------------------------------------------------------


def _records_that_move():
    """The models whose rows follow a client into a link (``MOVES_WITH_LINKED_CLIENT``),
    found in the app registry: clients knows none of the apps that declare them."""
    from django.apps import apps

    return [m for m in apps.get_models() if getattr(m, "MOVES_WITH_LINKED_CLIENT", False)]


def _move(model, pks, *, to_client_id: int) -> None:
    # One save per record: each move is in its history, with the reason of the block.
    for record in model._default_manager.filter(pk__in=pks).order_by("pk"):
        record.client_id = to_client_id
        record.save()


@transaction.atomic
def client_link(*, primary: Client, linked: Client, by, reason: str) -> ClientLink:
    """Link two records of one person: ``linked`` becomes read-only and points to
    ``primary``, and its placements, contacts, referrals, consents, reminders and past
    assignments move to ``primary`` (its current assignment ends). Never merged: every moved
    record is remembered, so ``client_unlink`` puts everything back as it was."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why these records are the same person."})
    if primary.pk == linked.pk:
        raise ValidationError("A record cannot be linked to itself.")
    rows = Client.objects.select_for_update().filter(pk__in=[primary.pk, linked.pk])
    locked = {client.pk: client for client in rows}
    primary, linked = locked[primary.pk], locked[linked.pk]
    links = ClientLink.objects.active()
    if links.filter(linked__in=[primary, linked]).exists() or links.filter(primary=linked).exists():
        raise ValidationError("One of these records is already linked: unlink it first.")
    full_reason = f"Linked record #{linked.pk} to #{primary.pk}: {reason}"
    with acting_person(by), change_reason(full_reason):
        ended = linked.assignments.filter(ended_at__isnull=True).first()
        if ended is not None:
            ended.ended_at = timezone.now()
            ended.save()
        moved = {}
        try:
            with transaction.atomic():
                for model in [*_records_that_move(), Assignment]:
                    pks = list(
                        model._default_manager.filter(client=linked).values_list("pk", flat=True)
                    )
                    if pks:
                        _move(model, pks, to_client_id=primary.pk)
                        moved[model._meta.label_lower] = pks
        except IntegrityError:
            # A record that exists once per client (an open placement) is on both.
            raise ValidationError(
                "Both records have an open placement: record the exit of one before linking."
            ) from None
        return ClientLink.objects.create(
            primary=primary,
            linked=linked,
            reason=reason,
            linked_by=by,
            moved=moved,
            ended_assignment=ended,
        )


@transaction.atomic
def client_unlink(*, link: ClientLink, by, reason: str) -> ClientLink:
    """Undo a link exactly: every record it moved goes back, the assignment it ended is
    open again, and the linked record is editable again."""
    from django.apps import apps

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why these records are different people."})
    link = ClientLink.objects.select_for_update().get(pk=link.pk)
    if link.unlinked_at is not None:
        return link
    full_reason = f"Unlinked record #{link.linked_id} from #{link.primary_id}: {reason}"
    with acting_person(by), change_reason(full_reason):
        for label, pks in link.moved.items():
            _move(apps.get_model(label), pks, to_client_id=link.linked_id)
        if link.ended_assignment_id:
            assignment = Assignment.objects.get(pk=link.ended_assignment_id)
            assignment.ended_at = None
            assignment.save()
        link.unlinked_at = timezone.now()
        link.unlinked_by = by
        link.save()
    return link


PROFILE_EDITED = "Profile edited"
LEFT_PROGRAM = "Exited the program"


@transaction.atomic
def client_profile_update(*, client: Client, by, expected_version: int | None) -> Client:
    """Save an edited profile (fields already set on ``client``), refusing a stale version.

    A client whose status becomes "exited" has left the program: that is announced at once
    (their open reminders close in this transaction).
    """
    was_active = (
        Client.objects.select_for_update()
        .filter(pk=client.pk, status=Client.Status.ACTIVE)
        .exists()
    )
    left = was_active and client.status == Client.Status.EXITED
    with acting_person(by):
        save_versioned(
            client,
            expected_version=expected_version,
            reason=LEFT_PROGRAM if left else PROFILE_EDITED,
        )
        if left:
            covers_release_client(
                client=client, reason="Cover released: the client exited the program."
            )
            client_left_program.announce(sender=Client, client=client, by=by, reason=LEFT_PROGRAM)
    return client


# Reassignment and cover (supervisor's caseload review) ----------------------------------------


@transaction.atomic
def clients_reassign(*, clients, case_manager, reassigned_by, reason: str) -> list[Client]:
    """Hand one or several clients to a case manager, all or none, with one reason.

    Each goes through ``client_assign`` (assignment history, grants, and whatever else moves
    with a client, such as open reminders). Clients already with that case manager are left
    alone. Returns the clients that moved. Who may move which client to whom is checked by the
    caller (``caseloads.selectors``).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for the reassignment."})
    moved = []
    with acting_person(reassigned_by):
        for client in clients:
            if client.case_manager_id == case_manager.pk:
                continue
            client_assign(
                client=client, case_manager=case_manager, assigned_by=reassigned_by, reason=reason
            )
            moved.append(client)
        # A colleague covering the whole caseload of the new holder covers these clients too.
        for cover in Cover.objects.active().filter(case_manager=case_manager, whole_caseload=True):
            cover_include_new_clients(cover=cover, by=reassigned_by)
    return moved


def _cover_reason(cover: Cover, event: str, detail: str) -> str:
    return (
        f"Cover {event}: {person_name(cover.covering)} for {person_name(cover.case_manager)}, "
        f"{cover.starts_on:%Y-%m-%d} to {cover.ends_on:%Y-%m-%d}. {detail}".strip()
    )


def _clients_in_cover_scope(cover: Cover):
    if cover.whole_caseload:
        return Client.objects.filter(case_manager=cover.case_manager, status=Client.Status.ACTIVE)
    return cover.clients.all()


def _other_active_cover_clients(cover: Cover, client_ids) -> set[int]:
    """Clients that another active cover of the same colleague also gave them access to."""
    return set(
        CoveredClient.objects.filter(
            cover__in=Cover.objects.active()
            .filter(covering=cover.covering_id)
            .exclude(pk=cover.pk),
            client_id__in=client_ids,
            released_at__isnull=True,
        ).values_list("client_id", flat=True)
    )


def _grant_cover_access(cover: Cover, clients, reason: str) -> int:
    """Give the covering colleague access to these clients; remember which grants are the
    cover's own (not access the colleague already held for another reason)."""
    clients = list(clients)
    ids = [client.pk for client in clients]
    had_access = set(
        ClientUserObjectPermission.objects.filter(
            user=cover.covering_id, content_object_id__in=ids, permission__codename="view_client"
        ).values_list("content_object_id", flat=True)
    )
    shared = _other_active_cover_clients(cover, ids)
    rows = {row.client_id: row for row in cover.covered_clients.filter(client_id__in=ids)}
    for client in clients:
        own_access = client.pk in had_access and client.pk not in shared
        if not own_access:
            client_access_grant(client=client, user=cover.covering, reason=reason)
        row = rows.get(client.pk) or CoveredClient(cover=cover, client=client)
        if row.pk is None or row.added_grant != (not own_access):
            row.added_grant = not own_access
            row.save()
    return len(clients)


def _validate_cover(cover: Cover, clients, today) -> None:
    errors = {}
    if cover.starts_on < today:
        errors["starts_on"] = "A cover starts today or later."
    if cover.ends_on < cover.starts_on:
        errors["ends_on"] = "The last day cannot be before the first day."
    if cover.covering_id == cover.case_manager_id:
        errors["covering"] = "Choose a colleague other than the case manager covered."
    members = set(cover.team.case_managers.values_list("pk", flat=True))
    if cover.case_manager_id not in members or cover.covering_id not in members:
        errors["covering"] = "Both people must be case managers of the team."
    if not cover.whole_caseload:
        if not clients:
            errors["clients"] = "Choose the clients to cover, or cover the whole caseload."
        elif any(client.case_manager_id != cover.case_manager_id for client in clients):
            errors["clients"] = "Only clients of the covered case manager can be covered."
    if not cover.reason.strip():
        errors["reason"] = "Say why cover is needed (for example: annual leave)."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cover_arrange(
    *,
    team: Team,
    case_manager,
    covering,
    starts_on,
    ends_on,
    reason: str,
    arranged_by,
    clients=None,
) -> Cover:
    """Arrange cover: a colleague sees and works with a caseload (or some clients) from the
    first day through the last. A cover starting today grants access at once; a later one is
    started by the beat task (``clients.tasks.end_expired_covers``) on its first day."""
    today = timezone.localdate()
    clients = list(clients or [])
    cover = Cover(
        team=team,
        case_manager=case_manager,
        covering=covering,
        whole_caseload=not clients,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        arranged_by=arranged_by,
    )
    _validate_cover(cover, clients, today)
    with acting_person(arranged_by), change_reason(_cover_reason(cover, "arranged", reason)):
        cover.save()
        for client in clients:
            CoveredClient.objects.create(cover=cover, client=client)
    if cover.starts_on <= today:
        cover = cover_start(cover=cover, by=arranged_by)
    return cover


@transaction.atomic
def cover_start(*, cover: Cover, by=None) -> Cover:
    """Grant the covering colleague access to the clients in the cover (idempotent)."""
    cover = (
        Cover.objects.select_for_update()
        .select_related("covering", "case_manager")
        .get(pk=cover.pk)
    )
    if cover.state != "scheduled":
        return cover
    reason = _cover_reason(cover, "started", cover.reason)
    with acting_person(by), change_reason(reason):
        _grant_cover_access(cover, _clients_in_cover_scope(cover), reason)
        cover.started_at = timezone.now()
        cover.save()
    return cover


@transaction.atomic
def cover_include_new_clients(*, cover: Cover, by=None) -> int:
    """A whole-caseload cover also covers clients the covered case manager received since it
    started. Returns how many were added."""
    if not (cover.whole_caseload and cover.is_active):
        return 0
    new_clients = _clients_in_cover_scope(cover).exclude(covered_in__cover=cover)
    if not new_clients.exists():
        return 0
    reason = _cover_reason(cover, "extended to a newly assigned client", cover.reason)
    with acting_person(by), change_reason(reason):
        return _grant_cover_access(cover, new_clients, reason)


@transaction.atomic
def cover_end(*, cover: Cover, reason: str, by=None) -> Cover:
    """End a cover (early, or after its last day): take away the access the cover gave.

    Access the colleague holds for another reason stays: their own clients, a client handed
    to them during the cover, a client another of their active covers includes.
    """
    cover = (
        Cover.objects.select_for_update()
        .select_related("covering", "case_manager")
        .get(pk=cover.pk)
    )
    if cover.ended_at is not None:
        return cover
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the cover ends."})
    full_reason = _cover_reason(cover, "ended", reason)
    now = timezone.now()
    with acting_person(by), change_reason(full_reason):
        rows = list(cover.covered_clients.filter(released_at__isnull=True).select_related("client"))
        shared = _other_active_cover_clients(cover, [row.client_id for row in rows])
        for row in rows:
            keeps_access = (
                not row.added_grant
                or row.client.case_manager_id == cover.covering_id
                or row.client_id in shared
            )
            if not keeps_access:
                client_access_revoke(client=row.client, user=cover.covering, reason=full_reason)
            row.released_at = now
            row.save()
        cover.ended_at = now
        cover.ended_by = by
        cover.end_reason = reason
        cover.save()
    return cover


def covers_release_client(*, client: Client, reason: str, keep_covers_of=None) -> int:
    """Take one client out of the covers that reach them (reassignment, exit from the
    program), keeping any cover of ``keep_covers_of`` (their new case manager's). The
    covering colleague loses the access the cover gave, unless they hold it for another
    reason (the client is now theirs, or another of their active covers includes them).
    Returns how many covers released the client; each revocation is in history with why."""
    rows = list(
        CoveredClient.objects.filter(
            client=client, released_at__isnull=True, cover__ended_at__isnull=True
        )
        .exclude(cover__case_manager=keep_covers_of)
        .select_related("cover")
    )
    now = timezone.now()
    with change_reason(reason):
        for row in rows:
            cover = row.cover
            still_covered = (
                CoveredClient.objects.filter(
                    client=client,
                    released_at__isnull=True,
                    cover__in=Cover.objects.active().filter(covering=cover.covering_id),
                )
                .exclude(pk__in=[r.pk for r in rows])
                .exists()
            )
            keeps_access = (
                not row.added_grant or client.case_manager_id == cover.covering_id or still_covered
            )
            if not keeps_access:
                client_access_revoke(client=client, user=cover.covering, reason=reason)
            row.released_at = now
            row.save()
    return len(rows)


COVER_PAST_END_REASON = "The cover's last day has passed."


def covers_update(*, today=None) -> dict[str, int]:
    """The beat task's work: end covers past their last day, start covers whose first day
    has come, and extend whole-caseload covers to newly assigned clients. Idempotent."""
    today = today or timezone.localdate()
    counts = {"ended": 0, "started": 0, "extended": 0}
    for cover in Cover.objects.past_end(today):
        cover_end(cover=cover, reason=COVER_PAST_END_REASON)
        counts["ended"] += 1
    for cover in Cover.objects.due_to_start(today):
        cover_start(cover=cover)
        counts["started"] += 1
    for cover in Cover.objects.active().filter(whole_caseload=True):
        counts["extended"] += cover_include_new_clients(cover=cover)
    return counts
