from django.core.management.base import BaseCommand, CommandError

from housingfirst.audit_log import chain


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chains (history and access log) and report the first broken "
        "link: a row altered, deleted or inserted outside the app. Exits non-zero when broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal-existing",
            action="store_true",
            help="First seal history rows written before the chain existed (upgraded databases).",
        )

    def handle(self, *args, seal_existing=False, **options):
        if seal_existing:
            count = chain.seal_unsealed_history()
            self.stdout.write(f"Sealed {count} history rows written before the chain existed.")
        problems = []
        for report in (chain.verify_history_chain(), chain.verify_access_chain()):
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
