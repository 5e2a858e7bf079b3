import pytest
from django.urls import reverse

from placements.models import Placement, SubsidyType

from .factories import ContactFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_and_opens_placements_contacts_and_subsidy_types(program, login):
    placement = PlacementFactory(client=program.client)
    contact = ContactFactory(client=program.client, made_by=program.case_manager)
    browser = login(program.admin)
    for name, pk in [
        ("placement", placement.pk),
        ("contact", contact.pk),
        ("subsidytype", SubsidyType.objects.first().pk),
    ]:
        assert browser.get(reverse(f"admin:placements_{name}_changelist")).status_code == 200
        for view in ("change", "history"):
            url = reverse(f"admin:placements_{name}_{view}", args=[pk])
            assert browser.get(url).status_code == 200


def test_default_subsidy_types_exist_and_programs_add_their_own(program, login):
    assert SubsidyType.objects.filter(name="Housing Choice Voucher (Section 8)").exists()
    response = login(program.admin).post(
        reverse("admin:placements_subsidytype_add"),
        {"name": "County flex fund", "description": "", "is_active": "on"},
    )
    assert response.status_code == 302
    added = SubsidyType.objects.get(name="County flex fund")
    row = added.history.get()
    assert (row.history_user, row.history_change_reason) == (program.admin, "Added in the admin")


def test_admin_edit_of_a_placement_is_in_history_and_bumps_the_version(program, login):
    placement = PlacementFactory(client=program.client, landlord_name="Old")
    browser = login(program.admin)
    url = reverse("admin:placements_placement_change", args=[placement.pk])
    form = browser.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["landlord_name"] = "New"
    response = browser.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    placement.refresh_from_db()
    assert (placement.landlord_name, placement.version) == ("New", 2)
    row = Placement.history.filter(id=placement.pk).latest("history_id")
    assert (row.history_user, row.history_change_reason) == (program.admin, "Edited in the admin")


@pytest.mark.parametrize("who", ["case_manager", "supervisor", "auditor"])
def test_staff_cannot_use_the_placements_admin(program, login, who):
    response = login(getattr(program, who)).get(reverse("admin:placements_placement_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_nothing_is_deleted_from_the_admin(program, login):
    contact = ContactFactory(client=program.client, made_by=program.case_manager)
    url = reverse("admin:placements_contact_delete", args=[contact.pk])
    assert login(program.admin).post(url, {"post": "yes"}).status_code == 403
    assert contact.__class__.objects.filter(pk=contact.pk).exists()
