from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from housingfirst.audit_log import anchors, chain


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chains (history and access log) and report the first broken "
        "link: a row altered, deleted or inserted outside the app. Exits non-zero when broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal-existing",
            action="store_true",
            help=(
                "First seal every history row that has no link (written before the chain "
                "existed, or around the app), naming each; an administrator's act, logged in "
                "the access log under --by."
            ),
        )
        parser.add_argument(
            "--anchors",
            metavar="FILE",
            action="append",
            default=[],
            help=(
                "Also check the chains against these published anchors (AUDIT_ANCHOR_FILE, or "
                "a saved anchor mail); a head that differs or is missing is a failure."
            ),
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="The administrator (an active superuser) vouching for the rows sealed.",
        )

    def handle(self, *args, seal_existing=False, by=None, anchors=(), **options):
        try:
            published = self._anchors(anchors)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the anchors: {error}") from None
        if seal_existing:
            self._seal_existing(by)
        problems = []
        reports = (
            chain.verify_history_chain(anchors=published.get(chain.HISTORY_CHAIN)),
            chain.verify_access_chain(anchors=published.get(chain.ACCESS_CHAIN)),
        )
        for report in reports:
            name = "History" if report.chain == chain.HISTORY_CHAIN else "Access log"
            if report.ok:
                note = (
                    f" ({report.before_chain} older entries predate the chain)"
                    if report.before_chain
                    else ""
                )
                self.stdout.write(
                    self.style.SUCCESS(f"{name}: {report.checked} links verified{note}.")
                )
            else:
                self.stdout.write(
                    self.style.ERROR(f"{name}: {report.checked} links verified, then broken.")
                )
                problems.append(f"{name} chain broken at {report.problem}")
        if problems:
            raise CommandError("\n".join(problems))
        if published:
            count = sum(len(by_link) for by_link in published.values())
            self.stdout.write(self.style.SUCCESS(f"Anchors: {count} published heads match."))

    def _anchors(self, paths):
        return anchors.load_anchors(paths) if paths else {}

    def _seal_existing(self, username):
        if not username:
            raise CommandError("--seal-existing needs --by USERNAME: who vouches for the rows.")
        administrator = (
            get_user_model()
            ._default_manager.filter(username=username, is_superuser=True, is_active=True)
            .first()
        )
        if administrator is None:
            raise CommandError(f"{username!r} is not an active administrator (superuser).")
        sealed = chain.seal_unsealed_history(by=administrator)
        for description in sealed:
            self.stdout.write(f"Sealed {description}")
        self.stdout.write(
            f"Sealed {len(sealed)} history rows that had no link, by {username} "
            "(each written to the access log)."
        )
