"""The supplies most programs hand out; administrators add their own in the admin.

Made after ``migrate`` when there is none (``housingfirst.defaults``).
"""

from housingfirst.defaults import defaults_after_migrate

DEFAULT_ITEM_KINDS = [
    ("Naloxone nasal spray 4 mg", True),
    ("Naloxone injectable", True),
    ("Fentanyl test strips", False),
    ("Xylazine test strips", False),
    ("Safer-use supplies", False),
    ("Wound-care supplies", False),
]

ensure_default_item_kinds = defaults_after_migrate(
    "harm_reduction.ItemKind",
    [{"name": name, "is_naloxone": naloxone} for name, naloxone in DEFAULT_ITEM_KINDS],
    "Default item kinds",
)
