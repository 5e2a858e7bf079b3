"""The export and import directories are private: a zip of the whole program must never be
reachable through a path the web server or WhiteNoise serves."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

PRIVATE_DIRECTORIES = (
    ("HMIS_EXPORT_DIR", "hmis-exports", "hmis.E001"),
    ("HMIS_IMPORT_DIR", "hmis-imports", "hmis.E002"),
)


def _inside(path: Path, root) -> bool:
    if not root:
        return False
    root = Path(root).resolve()
    return path == root or root in path.parents


@register()
def export_directory_is_private(app_configs=None, **kwargs):
    static_dirs = [d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS]
    served = [settings.STATIC_ROOT, getattr(settings, "MEDIA_ROOT", ""), *static_dirs]
    errors = []
    for setting, default, check_id in PRIVATE_DIRECTORIES:
        directory = Path(getattr(settings, setting)).resolve()
        if any(_inside(directory, root) for root in served):
            errors.append(
                Error(
                    f"{setting} ({directory}) is inside a served static or media directory.",
                    hint=f"Point {setting} at a private directory (VAR_DIR/{default}).",
                    id=check_id,
                )
            )
    return errors
