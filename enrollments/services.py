"""Every write to enrollments, households and assessments, each in one transaction with the
acting person and a reason. Changes are announced (``enrollment_changed``) so the reminders
about entry data, annual and exit assessments follow at once."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import Client
from clients.services import client_profile_update, clients_reassign
from housingfirst.audit import acting_person, change_reason, current_person
from housingfirst.versioning import save_versioned

from . import hud, rules
from .events import enrollment_changed
from .hud import DataCollectionStage, NoYesReasons, RelationshipToHead
from .models import (
    Assessment,
    DisabilityAnswer,
    DomesticViolenceAnswer,
    Enrollment,
    Household,
    Project,
)

ENROLLED = "Enrolled in the program"
EXITED = "Left the program"


def project_for_intake() -> Project | None:
    """The project new clients join: the default one, else the only operating one."""
    default = Project.objects.filter(is_default=True).first()
    if default is not None:
        return default
    operating = list(Project.objects.operating()[:2])
    return operating[0] if len(operating) == 1 else None


def _announce(enrollment, by, reason):
    enrollment_changed.announce(
        sender=Enrollment,
        enrollment=enrollment,
        client_id=enrollment.client_id,
        by=by,
        reason=reason,
    )


@transaction.atomic
def enrollment_start(
    *,
    client: Client,
    by,
    project: Project | None = None,
    entry_date=None,
    household: Household | None = None,
    relationship: int = RelationshipToHead.SELF,
    reason: str = ENROLLED,
) -> Enrollment:
    """Enrol a client in a project, as the head of a new household unless one is given."""
    project = project or project_for_intake()
    if project is None:
        raise ValidationError({"project": "Set up a project first (administration)."})
    if Enrollment.objects.filter(client=client).open().exists():
        raise ValidationError("This client is already enrolled.")
    with acting_person(by), change_reason(reason):
        if household is None:
            household = Household.objects.create(project=project)
            relationship = RelationshipToHead.SELF
        enrollment = Enrollment(
            client=client,
            project=project,
            household=household,
            relationship_to_head=relationship,
            entry_date=entry_date or client.program_start_date,
            enrollment_coc=project.coc_code if relationship == RelationshipToHead.SELF else "",
            disabling_condition=client.disabling_condition,
        )
        enrollment.full_clean()
        enrollment.save()
        _announce(enrollment, by, reason)
    return enrollment


@transaction.atomic
def enrollment_update(*, enrollment: Enrollment, by, expected_version: int | None) -> Enrollment:
    """Save edited entry data (fields already set), settling HUD's conditional questions."""
    rules.settle_prior_living(enrollment)
    enrollment.full_clean()
    try:
        with acting_person(by):
            save_versioned(enrollment, expected_version=expected_version, reason="Entry data")
    except IntegrityError as error:
        raise ValidationError(
            {"relationship_to_head": "This household already has a head of household."}
        ) from error
    _announce(enrollment, by, "Entry data")
    return enrollment


def _household_of_one(enrollment: Enrollment) -> bool:
    return not enrollment.household.enrollments.exclude(pk=enrollment.pk).exists()


@transaction.atomic
def household_add_member(
    *, head: Enrollment, client: Client, relationship: int, by, reason: str = ""
) -> Enrollment:
    """Add a client to the head's household. A client alone in their own household (as intake
    leaves them) moves in; one who shares another household is refused. The head's case
    manager gets access to the member, so whoever sees the head sees the members."""
    if relationship == RelationshipToHead.SELF:
        raise ValidationError({"relationship": "The household already has its head."})
    if client.pk == head.client_id:
        raise ValidationError({"client": "The head of household is already in the household."})
    reason = reason or "Joined the household"
    current = Enrollment.objects.select_for_update().filter(client=client).open().first()
    if current is not None and current.household_id == head.household_id:
        raise ValidationError({"client": "This person is already in this household."})
    if current is not None and not _household_of_one(current):
        raise ValidationError(
            {"client": "This person is in another household. They leave it before joining."}
        )
    with acting_person(by), change_reason(reason):
        if current is None:
            member = enrollment_start(
                client=client,
                by=by,
                project=head.project,
                entry_date=max(head.entry_date, client.program_start_date),
                household=head.household,
                relationship=relationship,
                reason=reason,
            )
        else:
            old_household = current.household
            current.household = head.household
            current.project = head.project
            current.relationship_to_head = relationship
            current.enrollment_coc = ""
            current.full_clean()
            save_versioned(current, expected_version=current.version, reason=reason)
            old_household.delete()
            member = current
        head_client = head.client
        if head_client.case_manager_id and head_client.case_manager_id != client.case_manager_id:
            clients_reassign(
                clients=[client],
                case_manager=head_client.case_manager,
                reassigned_by=by,
                reason=f"Joined the household of client {head_client.pk}",
            )
        _announce(member, by, reason)
    return member


def household_members(enrollment: Enrollment):
    return (
        Enrollment.objects.filter(household_id=enrollment.household_id)
        .select_related("client")
        .order_by("relationship_to_head", "client__last_name", "pk")
    )


@transaction.atomic
def assessment_record(
    *,
    assessment: Assessment,
    disabilities: list[dict],
    domestic_violence: dict | None,
    by,
) -> Assessment:
    """Save an assessment (fields set on ``assessment``) with its disability and
    domestic-violence answers, all or nothing."""
    assessment.client_id = assessment.enrollment.client_id
    assessment.recorded_by = by
    assessment.total_monthly_income = rules.total_monthly_income(assessment)
    assessment.full_clean()
    _check_answers(assessment, disabilities, domestic_violence)
    reason = f"{assessment.get_stage_display()} assessment"
    try:
        with acting_person(by), change_reason(reason):
            assessment.save()
            for answer in disabilities:
                DisabilityAnswer.objects.create(
                    client_id=assessment.client_id, assessment=assessment, **answer
                )
            if domestic_violence is not None:
                dv = DomesticViolenceAnswer(
                    client_id=assessment.client_id, assessment=assessment, **domestic_violence
                )
                dv.full_clean(exclude=["assessment", "client"])
                dv.save()
    except IntegrityError as error:
        raise ValidationError(
            {"stage": "This enrollment already has an assessment at this stage."}
        ) from error
    _announce(assessment.enrollment, by, reason)
    return assessment


def _check_answers(assessment, disabilities, domestic_violence) -> None:
    """Disability and domestic-violence answers are asked where HUD asks them, once per
    type, each valid for its type (4.10 has its own list, "indefinite" only after a yes)."""
    asked = rules.elements_asked(
        assessment.enrollment, assessment.stage, assessment.information_date
    )
    errors = {}
    if disabilities and "disabilities" not in asked:
        errors["disabilities"] = "HUD doesn't ask about disabilities at this stage."
    if domestic_violence is not None and "dv" not in asked:
        errors["domestic_violence"] = "HUD doesn't ask about domestic violence of this person."
    types = [answer.get("disability_type") for answer in disabilities]
    if len(set(types)) != len(types):
        errors["disabilities"] = "One answer per disability type."
    for answer in disabilities:
        if answer.get("disability_type") not in hud.DisabilityType.values:
            errors["disabilities"] = "Choose a disability type from the list."
            continue
        found = rules.disability_errors(
            disability_type=answer["disability_type"],
            response=answer.get("response"),
            indefinite_and_impairs=answer.get("indefinite_and_impairs"),
        )
        indefinite = answer.get("indefinite_and_impairs")
        if indefinite is not None and indefinite not in NoYesReasons.values:
            found["indefinite_and_impairs"] = "Choose an answer from the list."
        if found:
            label = hud.DisabilityType(answer["disability_type"]).label
            errors["disabilities"] = f"{label}: {' '.join(found.values())}"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enrollment_exit(
    *,
    enrollment: Enrollment,
    by,
    expected_version: int | None,
    exit_assessment: Assessment | None = None,
    disabilities: list[dict] | None = None,
) -> Enrollment:
    """Record leaving the program (exit date and destination set on ``enrollment``), with the
    exit assessment when one is given; the client's record then shows them as exited."""
    if enrollment.exit_date is None:
        raise ValidationError({"exit_date": "Enter the program exit date."})
    if enrollment.destination is None:
        raise ValidationError({"destination": "Choose the destination."})
    enrollment.full_clean()
    with acting_person(by):
        save_versioned(enrollment, expected_version=expected_version, reason=EXITED)
    if exit_assessment is not None:
        exit_assessment.enrollment = enrollment
        exit_assessment.stage = DataCollectionStage.PROJECT_EXIT
        exit_assessment.information_date = enrollment.exit_date
        assessment_record(
            assessment=exit_assessment,
            disabilities=disabilities or [],
            domestic_violence=None,
            by=by,
        )
    client = Client.objects.select_for_update().get(pk=enrollment.client_id)
    if client.status == Client.Status.ACTIVE:
        client.status = Client.Status.EXITED
        client_profile_update(client=client, by=by, expected_version=client.version)
    _announce(enrollment, by, EXITED)
    return enrollment


# Reactions -------------------------------------------------------------------------------------


def enrol_after_intake(sender, *, client, by=None, **_):
    """Intake enrols the client in the program's project (when one is set up)."""
    if project_for_intake() is None:
        return
    enrollment_start(client=client, by=by, reason="Intake")


def exit_with_client(sender, *, client, by=None, reason="", **_):
    """A client marked as exited on their profile leaves the program that day; the
    destination and exit assessment are then asked for (a reminder, the data-quality page)."""
    enrollment = Enrollment.objects.select_for_update().filter(client=client).open().first()
    if enrollment is None:
        return
    enrollment.exit_date = max(timezone.localdate(), enrollment.entry_date)
    with acting_person(by):
        save_versioned(enrollment, expected_version=enrollment.version, reason=EXITED)
    _announce(enrollment, by, EXITED)


def members_follow_head(sender, *, client, case_manager, reason="", **_):
    """Whoever holds the head of household holds the members: they move with the head."""
    head = Enrollment.objects.filter(client=client).open().heads().first()
    if head is None:
        return
    members = [
        member.client
        for member in household_members(head).exclude(pk=head.pk)
        if member.is_open and member.client.case_manager_id != case_manager.pk
    ]
    if members:
        clients_reassign(
            clients=members,
            case_manager=case_manager,
            reassigned_by=current_person(),  # whoever moved the head moved the members
            reason=f"Household of client {client.pk}: {reason}",
        )
