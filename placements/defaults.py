"""The subsidy types most Housing First programs use; programs add their own in the admin.

Made after ``migrate`` when there is none (``housingfirst.defaults``).
"""

from housingfirst.defaults import defaults_after_migrate

DEFAULT_SUBSIDY_TYPES = [
    ("No subsidy", "The client pays the whole rent."),
    ("Housing Choice Voucher (Section 8)", "Tenant-based or project-based voucher."),
    ("Continuum of Care rental assistance", "CoC-funded permanent supportive housing."),
    ("HUD-VASH", "Veterans Affairs Supportive Housing voucher."),
    ("Emergency Housing Voucher", ""),
    ("State or local rental subsidy", ""),
    ("Program rental assistance", "Paid from the program's own funds."),
]

ensure_default_subsidy_types = defaults_after_migrate(
    "placements.SubsidyType",
    [{"name": name, "description": description} for name, description in DEFAULT_SUBSIDY_TYPES],
    "Default subsidy types",
)
