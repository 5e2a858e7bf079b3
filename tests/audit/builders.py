"""How the audit tests build, change and delete one record of any audited model.

Lookup, in order: a builder in ``BUILDERS`` below, then a factory_boy factory for the model in
``tests/factories.py`` or ``tests/<app>/factories.py`` (required foreign keys it leaves out
are filled in: a fresh client, the acting case manager, or a record built the same way). A
model with neither fails the audit test with a message saying where to add one.

``change(instance)`` edits one field the history shows, and returns that field's label and
its new value as the change log should display it.
"""

import importlib
import pkgutil
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, Permission
from django.db import models

import tests
from clients.models import Client, ClientGroupObjectPermission, ClientUserObjectPermission
from housingfirst.audit import secret_fields
from housingfirst.history import IGNORED_FIELDS
from tests.factories import (
    ClientFactory,
    TeamCaseManagerFactory,
    TeamFactory,
    TeamSupervisorFactory,
    UserFactory,
)

CHANGE_TEXT = "Audit check"


class NoBuilder(Exception):
    pass


def _grant(program):
    return ClientUserObjectPermission.objects.create(
        content_object=ClientFactory(),
        user=program.teammate,
        permission=Permission.objects.get(codename="view_client"),
    )


def _group_grant(program):
    return ClientGroupObjectPermission.objects.create(
        content_object=ClientFactory(),
        group=Group.objects.get(name="Supervisors"),
        permission=Permission.objects.get(codename="view_client"),
    )


def _change_permission(instance):
    instance.permission = Permission.objects.get(codename="change_client")
    instance.save()
    return "Permission", "Can change client"


def _cover(program):
    from clients.models import Cover

    return Cover.objects.create(
        team=program.team,
        case_manager=program.case_manager,
        covering=program.teammate,
        starts_on=program.client.program_start_date,
        ends_on=program.client.program_start_date + timedelta(days=7),
        reason="Annual leave",
    )


def _covered_client(program):
    from clients.models import CoveredClient

    return CoveredClient.objects.create(cover=_cover(program), client=ClientFactory())


def _assignment(program):
    from clients.models import Assignment

    return Assignment.objects.create(
        client=ClientFactory(), case_manager=program.teammate, reason="Hand-over"
    )


def _consent(program):
    from referrals.models import Consent
    from tests.referrals.factories import ProviderFactory

    return Consent.objects.create(
        client=ClientFactory(),
        provider=ProviderFactory(),
        purpose="Contact details and the reason for the referral.",
        signed_on=date(2026, 1, 5),
        expires_on=date(2027, 1, 5),
        recorded_by=program.case_manager,
    )


def _referral(program):
    from referrals.models import Referral, ServiceType
    from tests.referrals.factories import ProviderFactory

    return Referral.objects.create(
        client=ClientFactory(),
        provider=ProviderFactory(),
        service_type=ServiceType.MENTAL_HEALTH,
        requested_by=Referral.RequestedBy.CLIENT,
        offered_by=program.case_manager,
    )


def _reminder(program):
    from tests.reminders.factories import reminder_for

    return reminder_for(ClientFactory(), assigned_to=program.case_manager)


def _duplicate_pair(program):
    from clients.models import DuplicatePair

    first, second = sorted((ClientFactory().pk, ClientFactory().pk))
    return DuplicatePair.objects.create(
        first_id=first, second_id=second, score=80, reasons="same birth date"
    )


def _client_link(program):
    from clients.models import ClientLink

    return ClientLink.objects.create(
        primary=ClientFactory(),
        linked=ClientFactory(),
        reason="Same person",
        linked_by=program.admin,
    )


def _linked_to_a_client(factory_path):
    """A harm-reduction record linked to a client (at their request), so it names them."""

    def build_linked(program):
        module, name = factory_path.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)(client=ClientFactory())

    return build_linked


def _site_staff(program):
    from tests.harm_reduction.factories import SiteStaffFactory

    return SiteStaffFactory(user=program.teammate)


def _change_site_staff(instance):
    instance.user = UserFactory(first_name="Kim", last_name="Okafor")
    instance.save()
    return "User", "Kim Okafor"


# model label: (build(program) -> saved instance, change(instance) -> (label, new) or None)
def _household(program):
    from tests.enrollments.factories import HouseholdFactory

    return HouseholdFactory()


def _change_household_project(instance):
    from tests.factories import ProjectFactory

    instance.project = ProjectFactory(name="Audit check project")
    instance.save()
    return "Project", "Audit check project"


def _change_joined_at(instance):
    """A membership's one own field: when the person joined (corrected by hand)."""
    from housingfirst.history import display_value

    instance.joined_at = instance.joined_at - timedelta(days=30)
    instance.save()
    return "Joined at", display_value(
        instance.joined_at, type(instance)._meta.get_field("joined_at"), None
    )


def _hmis_export(program):
    from datetime import date

    from hmis.models import HmisExport

    return HmisExport.objects.create(
        requested_by=program.supervisor,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )


BUILDERS = {
    "hmis.hmisexport": (_hmis_export, None),
    "enrollments.household": (_household, _change_household_project),
    "auth.user": (lambda program: UserFactory(), None),
    "clients.team": (lambda program: TeamFactory(), None),
    "clients.client": (lambda program: ClientFactory(), None),
    "clients.assignment": (_assignment, None),
    "referrals.consent": (_consent, None),
    "referrals.referral": (_referral, None),
    "reminders.reminder": (_reminder, None),
    "clients.clientuserobjectpermission": (_grant, _change_permission),
    "clients.clientgroupobjectpermission": (_group_grant, _change_permission),
    "clients.cover": (_cover, None),
    "clients.teamcasemanager": (lambda program: TeamCaseManagerFactory(), _change_joined_at),
    "clients.teamsupervisor": (lambda program: TeamSupervisorFactory(), _change_joined_at),
    "clients.coveredclient": (_covered_client, None),
    "clients.duplicatepair": (_duplicate_pair, None),
    "clients.clientlink": (_client_link, None),
    "harm_reduction.distribution": (
        _linked_to_a_client("tests.harm_reduction.factories.DistributionFactory"),
        None,
    ),
    "harm_reduction.overdoseresponse": (
        _linked_to_a_client("tests.harm_reduction.factories.OverdoseResponseFactory"),
        None,
    ),
    "harm_reduction.sitestaff": (_site_staff, _change_site_staff),
}


def _factories() -> dict:
    """Every factory_boy model factory in the test packages, by model."""
    found = {}
    modules = ["tests.factories"]
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            modules.append(f"tests.{info.name}.factories")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value._meta.model is not None
            ):
                found.setdefault(value._meta.model, value)
    return found


def _fill_required_relations(model, factory_class, program) -> dict:
    declared = set(factory_class._meta.declarations)
    values = {}
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.null or field.has_default() or field.name in declared:
            continue
        related = field.related_model
        if related is Client:
            values[field.name] = ClientFactory()
        elif related._meta.label_lower == "auth.user":
            values[field.name] = program.case_manager
        else:
            values[field.name] = build(related, program)
    return values


def build(model, program):
    """A saved instance of ``model``."""
    label = model._meta.label_lower
    if label in BUILDERS:
        return BUILDERS[label][0](program)
    factory_class = _factories().get(model)
    if factory_class is None:
        raise NoBuilder(
            f"No way to build {label} for the audit tests: add a factory_boy factory for it to "
            f"tests/factories.py or tests/{model._meta.app_label}/factories.py, or a builder "
            "to BUILDERS in tests/audit/builders.py."
        )
    return factory_class(**_fill_required_relations(model, factory_class, program))


def _changeable(field, model) -> bool:
    return (
        field.editable
        and not field.primary_key
        and not field.is_relation
        and field.name not in IGNORED_FIELDS
        and field.name not in secret_fields(model)
        and field.name not in getattr(model.history.model, "_history_excluded_fields", ())
    )


def change(instance):
    """Change one visible field generically; return (field label, new value as displayed)."""
    model = type(instance)
    custom = BUILDERS.get(model._meta.label_lower, (None, None))[1]
    if custom is not None:
        return custom(instance)
    fields = [f for f in model._meta.concrete_fields if _changeable(f, model)]
    texts = sorted(
        (f for f in fields if isinstance(f, models.CharField | models.TextField) and not f.choices),
        key=lambda f: f.unique,
    )
    if texts:
        field = texts[0]
        value = CHANGE_TEXT[: field.max_length] if field.max_length else CHANGE_TEXT
        shown = value
    else:
        numbers = models.BooleanField | models.DecimalField | models.IntegerField
        field = next(f for f in fields if isinstance(f, numbers))
        if isinstance(field, models.BooleanField):
            value = not getattr(instance, field.attname)
            shown = "Yes" if value else "No"
        elif isinstance(field, models.IntegerField) and field.choices:
            current = getattr(instance, field.attname)
            value, shown = next((v, str(label)) for v, label in field.choices if v != current)
        elif isinstance(field, models.IntegerField):
            value = getattr(instance, field.attname) + 1
            shown = str(value)
        else:
            value = (getattr(instance, field.attname) or Decimal(0)) + 1
            shown = str(value)
    setattr(instance, field.attname, value)
    instance.save()
    label = str(field.verbose_name)
    return label[:1].upper() + label[1:], shown
