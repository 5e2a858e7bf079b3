"""Nothing in the plan links to housing: no field ties a placement to a goal or step, and no
placement code path can read the plan (import-linter's forbidden contract, proven to bite)."""

import pytest
from django.apps import apps

from tests.test_architecture import copy_of_the_tree, lint_imports


def test_no_field_links_the_plan_and_housing():
    for model in apps.get_app_config("plans").get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            assert related is None or related._meta.app_label != "placements", field
    for model in apps.get_app_config("placements").get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            assert related is None or related._meta.app_label != "plans", field


@pytest.mark.parametrize(
    "module, added_import, chain",
    [
        ("placements/services.py", "import plans.models", "placements.services -> plans"),
        ("placements/visits.py", "import plans.services", "placements.visits -> plans"),
    ],
)
def test_a_placement_module_reading_the_plan_breaks_the_contract(
    tmp_path, module, added_import, chain
):
    tree = copy_of_the_tree(tmp_path)
    source = tree / module
    source.write_text(source.read_text() + f"\n{added_import}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "Housing code never reaches the client's plan" in result.stdout
    assert chain in result.stdout, result.stdout
