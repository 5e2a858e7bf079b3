from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from housingfirst.audit_log import anchors, chain, verification


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chains (history and access log) and report the first broken "
        "link: a row altered, deleted or inserted outside the app. Exits non-zero when broken. "
        "Each run is recorded (shown on /audit/); --resume checks only the links sealed since "
        "the last good run's checkpoint, as beat does every night."
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
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--full",
            action="store_true",
            help="Walk both chains from their first link (the default).",
        )
        scope.add_argument(
            "--resume",
            action="store_true",
            help=(
                "Start at the checkpoint of the last run in which both chains held (its link "
                "verified again); refused, as a failure, when that link's seal has changed."
            ),
        )
        parser.add_argument(
            "--chain",
            dest="chain_name",
            choices=[chain.HISTORY_CHAIN, chain.ACCESS_CHAIN],
            help="With --from/--to: the chain whose links to verify.",
        )
        parser.add_argument(
            "--from",
            dest="first",
            type=int,
            metavar="LINK",
            help="Verify a range: from this link id (of --chain), trusting the link before it.",
        )
        parser.add_argument(
            "--to",
            dest="last",
            type=int,
            metavar="LINK",
            help="Verify a range: up to this link id (of --chain).",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="The administrator (an active superuser) vouching for the rows sealed.",
        )

    def handle(
        self,
        *args,
        seal_existing=False,
        by=None,
        anchors=(),
        resume=False,
        chain_name=None,
        first=None,
        last=None,
        **options,
    ):
        chains = self._chains(chain_name, first, last, resume)
        try:
            published = self._anchors(anchors)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the anchors: {error}") from None
        if seal_existing:
            self._seal_existing(by)
        outcome = verification.run_verification(
            triggered_by="command:verify_audit_trail",
            resume=resume,
            anchors=published,
            chains=chains,
            first=first,
            last=last,
        )
        self._describe_start(outcome, first, last)
        for report in outcome.reports:
            name = verification.CHAIN_NAMES[report.chain]
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
        if not outcome.ok:
            raise CommandError(outcome.record.problem)
        if published:
            count = sum(len(by_link) for by_link in published.values())
            self.stdout.write(self.style.SUCCESS(f"Anchors: {count} published heads match."))

    def _chains(self, name, first, last, resume):
        if first is None and last is None:
            if name:
                raise CommandError("--chain goes with --from/--to (a range of that chain).")
            return (chain.HISTORY_CHAIN, chain.ACCESS_CHAIN)
        if resume:
            raise CommandError("--resume and --from/--to cannot be combined.")
        if not name:
            raise CommandError("--from/--to need --chain history or --chain access.")
        if (first is not None and first < 1) or (last is not None and last < 1):
            raise CommandError("--from and --to are link ids: 1 or more.")
        if first is not None and last is not None and first > last:
            raise CommandError(f"--from {first} comes after --to {last}.")
        return (name,)

    def _describe_start(self, outcome, first, last):
        resumed_from = outcome.resumed_from
        if resumed_from is not None:
            when = timezone.localtime(resumed_from.finished_at)
            self.stdout.write(
                f"Resuming from the checkpoint of {when:%Y-%m-%d %H:%M} (history link "
                f"#{resumed_from.history_link}, access-log entry #{resumed_from.access_link}); "
                "--full checks the links before it."
            )
        elif outcome.record.scope == outcome.record.Scope.RESUMED:
            self.stdout.write("No checkpoint yet: verifying from the first link.")
        elif first is not None or last is not None:
            self.stdout.write(f"Range: links #{first or 1} to #{last or 'the head'}.")

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
