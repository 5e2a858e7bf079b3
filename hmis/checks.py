"""The export directory is private: a zip of the whole program must never be reachable through
a path the web server or WhiteNoise serves."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path: Path, root) -> bool:
    if not root:
        return False
    root = Path(root).resolve()
    return path == root or root in path.parents


@register()
def export_directory_is_private(app_configs=None, **kwargs):
    directory = Path(settings.HMIS_EXPORT_DIR).resolve()
    static_dirs = [d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS]
    served = [settings.STATIC_ROOT, getattr(settings, "MEDIA_ROOT", ""), *static_dirs]
    if any(_inside(directory, root) for root in served):
        return [
            Error(
                f"HMIS_EXPORT_DIR ({directory}) is inside a served static or media directory.",
                hint="Point HMIS_EXPORT_DIR at a private directory (VAR_DIR/hmis-exports).",
                id="hmis.E001",
            )
        ]
    return []
