"""One settings module for every environment, driven by environment variables.

With no variables set the app runs on an embedded SQLite file and an embedded (filesystem)
Celery broker. Production switches are variables, never another settings file.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# A development key is allowed only with DEBUG on; production refuses to start without a real one.
_DEV_SECRET_KEY = "dev-only-not-secret-housingfirst-local-run-key-000000000000"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for example: "
            "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'))."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY is too weak for DEBUG off: use 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The people the records are about: the core's audit trail and access log file every record
# under its client through this model, named here so the core imports no app.
AUDIT_CLIENT_MODEL = "clients.Client"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram lookups for the duplicate check (PostgreSQL only)
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "housingfirst",
    "clients",
    "placements",
    "referrals",
    "harm_reduction",
    "casenotes",
    "plans",
    "appointments",
    "enrollments",
    "reminders",
    "caseloads",
    "pages",
    "hmis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "housingfirst.middleware.idle_session_timeout",
    # A form sent after the idle timeout is kept for its sender before sign-in is asked for.
    "housingfirst.kept_forms.KeepFormsAfterTimeout",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Administrators and auditors (everyone with OTP_REQUIRED_FOR_EVERYONE) reach nothing but
    # the two-factor pages until the session is verified (housingfirst.two_factor).
    "housingfirst.two_factor.RequireTwoFactor",
    "housingfirst.middleware.private_pages",
    "housingfirst.middleware.UploadGuard",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Auditors read only: their writes answer 403 everywhere (housingfirst.audit_log).
    "housingfirst.audit_log.middleware.ReadOnlyAuditMiddleware",
    # Last: a request that may write runs its view in one transaction that locks the audit
    # chain first, and runs again once if PostgreSQL cancels it (housingfirst.transactions).
    "housingfirst.transactions.WriteRequestTransaction",
]

ROOT_URLCONF = "housingfirst.urls"
WSGI_APPLICATION = "housingfirst.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "housingfirst.context_processors.navigation",
                "housingfirst.context_processors.session",
                "reminders.context_processors.navigation",
            ],
            # {{ user|person }} on every page: one way to name staff (housingfirst/people.py).
            "builtins": ["housingfirst.templatetags.people"],
        },
    },
]

# Embedded default: a SQLite file under var/. Production: DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'housingfirst.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "DATABASE_JIT", False
):
    # PostgreSQL's JIT compiles a plan when its estimated cost is high. Our statements are page
    # queries that return a few hundred rows at most, run once per request: the compile costs
    # more than it saves (2.7 s of a supervisor's 12 s home page at 100,000 clients), and no
    # page or job measured faster with it. DATABASE_JIT=1 turns it back on.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web + worker + beat on one file: wait for locks instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle sessions expire: activity pushes the expiry forward by SESSION_IDLE_TIMEOUT seconds.
# The session row is rewritten at most once every SESSION_REFRESH_SECONDS, not on every page
# view (housingfirst.middleware.idle_session_timeout), so the timeout is exact to that much.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Pages warn this many seconds before the idle timeout, with a "Stay signed in" button.
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
# A form sent after the idle timeout is kept this long for its sender (housingfirst.kept_forms).
KEPT_FORM_HOURS = env_int("KEPT_FORM_HOURS", 8)

# Two-factor sign-in (django-otp): required for administrators and auditors, or for everyone.
OTP_REQUIRED_FOR_EVERYONE = env_bool("OTP_REQUIRED_FOR_EVERYONE", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "housingfirst")

# Failed sign-ins are throttled per user name and address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Throttle on the reader's real address, the same one the access log records.
AXES_CLIENT_IP_CALLABLE = "housingfirst.access_log.client_address"

# Reverse proxies in front of the app (compose: one). Their X-Forwarded-For is believed only
# when the request comes from one of these networks (default: loopback and private ranges).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
TRUSTED_PROXY_NETWORKS = [
    ipaddress.ip_network(network.strip())
    for network in os.environ.get(
        "TRUSTED_PROXY_NETWORKS", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
    ).split(",")
    if network.strip()
]

# Security: safe by default whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The largest request body accepted (bytes); file parts only on pages that take files.
MAX_UPLOAD_SIZE = env_int("MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
# Every script, style and image is the app's own (no CDN, nothing inline): a strict policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy (compose, most hosts) the scheme comes from this header.
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed over plain HTTP from inside the deployment.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")

# HUD HMIS: used when clients from before enrollments are enrolled after an upgrade
# (enrollments.backfill) and no project is set up yet; complete the project in the admin.
HMIS_ORGANIZATION_NAME = env_str("HMIS_ORGANIZATION_NAME", "Housing First program")
HMIS_COC_CODE = env_str("HMIS_COC_CODE", "XX-501")
# The HMIS CSV export's Export.ImplementationID: names this installation to the CoC.
HMIS_IMPLEMENTATION_ID = env_str("HMIS_IMPLEMENTATION_ID", "housingfirst")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: console locally, SMTP through variables.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "housingfirst <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache (forms kept across the idle timeout): Redis when REDIS_URL is set, shared by every web
# process; otherwise files under VAR_DIR, shared by the local run's processes.
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "KEY_PREFIX": "housingfirst",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis when REDIS_URL is set, otherwise an embedded filesystem broker (no server).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
else:
    # With acks_late, a message a worker took is handed out again when the worker dies without
    # acknowledging it, once this many seconds have passed: every task is short (the sweeps are
    # split into batches of seconds), so a killed worker's work runs again within minutes.
    # Longer than the longest task, or a running task is handed out twice.
    # Workers look for such messages every 30 seconds (kombu: every 10 s, one scan in 3).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 120),
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 3,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Reminders are rows swept by beat, not delayed messages (the broker is not a database).
CELERY_BEAT_SCHEDULE: dict = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Program settings.
CLIENTS_PER_PAGE = env_int("CLIENTS_PER_PAGE", 25)

# Placements
# A client counts as "not contacted" when nobody reached them for this many days: the same
# threshold for the reminder and for the supervisor's review.
NO_CONTACT_DAYS = env_int("NO_CONTACT_DAYS", 30)

# Possible duplicate records at intake (clients/duplicates.py): points needed to be flagged.
DUPLICATE_MATCH_THRESHOLD = env_int("DUPLICATE_MATCH_THRESHOLD", 70)
# Expected visit rhythm after move-in (placements.visits): weekly for the first N weeks, then
# one visit every M days; the contact kinds that count as a visit (outreach attempts never do).
VISIT_SCHEDULE_WEEKLY_WEEKS = env_int("VISIT_SCHEDULE_WEEKLY_WEEKS", 4)
VISIT_SCHEDULE_MONTHLY_DAYS = env_int("VISIT_SCHEDULE_MONTHLY_DAYS", 30)
VISIT_SCHEDULE_CONTACT_KINDS = env_list(
    "VISIT_SCHEDULE_CONTACT_KINDS", "home_visit,office_visit,phone_call"
)

# Caseloads
# Covers start on their first day and end after their last day: beat runs the sweep every
# 15 minutes (on the quarter hour, program time), so access ends within minutes of midnight.
CELERY_BEAT_SCHEDULE["end-expired-covers"] = {
    "task": "clients.tasks.end_expired_covers",
    "schedule": crontab(minute="*/15"),
}
# Possible duplicate records across the program, for supervisors to review (/clients/duplicates/).
CELERY_BEAT_SCHEDULE["find-duplicates"] = {
    "task": "clients.tasks.find_duplicates",
    "schedule": crontab(hour=3, minute=30),
}

# Harm reduction
# A lot expiring within this many days is a reminder for the site's staff (and flagged on
# /harm-reduction/).
HARM_REDUCTION_EXPIRING_DAYS = env_int("HARM_REDUCTION_EXPIRING_DAYS", 30)
# The report shows any count from 1 to this number as a range ("1–10"), never the number.
HARM_REDUCTION_SMALL_CELL_MAX = env_int("HARM_REDUCTION_SMALL_CELL_MAX", 10)

# Audit
# Auditors' writes answer 403 everywhere, and nobody reverts history from the admin
# (housingfirst.audit_log.middleware); the admin hides its revert button too.
SIMPLE_HISTORY_REVERT_DISABLED = True
AUDIT_LOG_PAGE_SIZE = env_int("AUDIT_LOG_PAGE_SIZE", 50)
# The audit chain's links are keyed (HMAC-SHA256), so that whoever can write to the database
# cannot rewrite a row and recompute the later links: the key lives here, never in the
# database. AUDIT_CHAIN_KEY seals new links; AUDIT_CHAIN_KEYS (comma-separated) are older keys
# still accepted when verifying (rotation: move the old key there, set a new one). Each link
# records the id of its key (a fingerprint, not the key). The development key below is public:
# `check --deploy` warns when it (or a short key) is used (housingfirst.checks).
DEV_AUDIT_CHAIN_KEY = "dev-only-public-audit-chain-key-not-for-production-0000000000"
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY") or DEV_AUDIT_CHAIN_KEY
AUDIT_CHAIN_KEYS = env_list("AUDIT_CHAIN_KEYS")
# The chain's head is published every day (beat, housingfirst.tasks.publish_audit_anchor): a
# line appended to this file, a mail to this address, and a line in the app's log, so an
# auditor can later prove what the log held on a day (verify_audit_trail --anchors FILE).
AUDIT_ANCHOR_FILE = env_str("AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl"))
AUDIT_ANCHOR_EMAIL = env_list("AUDIT_ANCHOR_EMAIL")
AUDIT_ANCHOR_HOUR = env_int("AUDIT_ANCHOR_HOUR", 1)
CELERY_BEAT_SCHEDULE["publish-audit-anchor"] = {
    "task": "housingfirst.tasks.publish_audit_anchor",
    "schedule": crontab(hour=AUDIT_ANCHOR_HOUR, minute=5),
}
# Beat verifies the audit chains every night at this hour (after the anchor is published):
# only the links sealed since the last good run's checkpoint, except on this weekday (0 is
# Sunday, as in cron; -1 for never), when it walks the whole chains. Results show on /audit/.
AUDIT_VERIFY_HOUR = env_int("AUDIT_VERIFY_HOUR", 2)
AUDIT_VERIFY_FULL_WEEKDAY = env_int("AUDIT_VERIFY_FULL_WEEKDAY", 0)
_full_verification_day = AUDIT_VERIFY_FULL_WEEKDAY in range(7)
CELERY_BEAT_SCHEDULE["verify-audit-trail"] = {
    "task": "housingfirst.tasks.verify_audit_trail",
    "schedule": crontab(
        hour=AUDIT_VERIFY_HOUR,
        minute=15,
        day_of_week=",".join(str(d) for d in range(7) if d != AUDIT_VERIFY_FULL_WEEKDAY),
    ),
}
if _full_verification_day:
    CELERY_BEAT_SCHEDULE["verify-audit-trail-full"] = {
        "task": "housingfirst.tasks.verify_audit_trail",
        "schedule": crontab(
            hour=AUDIT_VERIFY_HOUR, minute=15, day_of_week=AUDIT_VERIFY_FULL_WEEKDAY
        ),
        "kwargs": {"full": True},
    }
# Rows fetched per round trip while streaming a CSV export (memory stays flat).
AUDIT_EXPORT_CHUNK_SIZE = env_int("AUDIT_EXPORT_CHUNK_SIZE", 2000)

# Reminders
# Follow-ups are rows swept by beat (reminders.rules say which should exist). Lead times in
# days: a lease ending within 60 days, a consent expiring within 30 days (when an open
# referral depends on it), a housed client not reached for 30 days. Reminders show as
# "upcoming" this many days before they fall due. Digests go out each morning at this hour.
REMINDER_LEASE_ENDING_DAYS = env_int("REMINDER_LEASE_ENDING_DAYS", 60)
REMINDER_CONSENT_EXPIRING_DAYS = env_int("REMINDER_CONSENT_EXPIRING_DAYS", 30)
REMINDER_UPCOMING_DAYS = env_int("REMINDER_UPCOMING_DAYS", 7)
REMINDER_DIGEST_HOUR = env_int("REMINDER_DIGEST_HOUR", 7)
# Clients per batch of the sweep: a batch runs about 14 queries whatever its size, but holds
# the audit chain's lock while it runs, which every writer waits for (a batch of 2,000 that
# makes all its clients' reminders takes about a second; benchmarks/reminder_sweep.py).
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 2000)

# Plans: a client's plan is reviewed with them every this many days ("plan review due").
PLAN_REVIEW_DAYS = env_int("PLAN_REVIEW_DAYS", 90)

CELERY_BEAT_SCHEDULE["generate-reminders"] = {
    "task": "reminders.tasks.generate_reminders",
    "schedule": crontab(minute=0),  # hourly
}
# Harm-reduction stock: lots nearing expiry and stock under its minimum, before the digest.
CELERY_BEAT_SCHEDULE["stock-reminders"] = {
    "task": "reminders.tasks.stock_reminders",
    "schedule": crontab(hour=REMINDER_DIGEST_HOUR, minute=5),
}
CELERY_BEAT_SCHEDULE["send-daily-digests"] = {
    "task": "reminders.tasks.send_daily_digests",
    # After that hour's sweep has made the day's reminders.
    "schedule": crontab(hour=REMINDER_DIGEST_HOUR, minute=15),
}

# HMIS CSV export (hmis): the zips are written to this private directory (never under a static
# or media path: a check refuses one), for the person who asked, for this many hours; beat
# deletes them hourly. The report beside a download keeps the validator's first problems.
HMIS_EXPORT_DIR = Path(env_str("HMIS_EXPORT_DIR", str(VAR_DIR / "hmis-exports")))
HMIS_EXPORT_RETENTION_HOURS = env_int("HMIS_EXPORT_RETENTION_HOURS", 24)
HMIS_EXPORT_PROBLEMS_KEPT = env_int("HMIS_EXPORT_PROBLEMS_KEPT", 50)
CELERY_BEAT_SCHEDULE["sweep-hmis-exports"] = {
    "task": "hmis.tasks.sweep_hmis_exports",
    "schedule": crontab(minute=25),  # hourly; it also deletes the import uploads below
}
# HMIS CSV import (/hmis/import/, administrators): the uploaded zip is kept in this private
# directory (checked like the export one) until its import finishes, or for this many hours at
# most. A larger zip is refused before anything is read (bytes; default 500 MB): the page
# before the request's body is read, the importer before it opens one. The reports keep
# the first skipped records (every one is counted).
HMIS_IMPORT_DIR = Path(env_str("HMIS_IMPORT_DIR", str(VAR_DIR / "hmis-imports")))
HMIS_IMPORT_MAX_BYTES = env_int("HMIS_IMPORT_MAX_BYTES", 500 * 1024 * 1024)
HMIS_IMPORT_RETENTION_HOURS = env_int("HMIS_IMPORT_RETENTION_HOURS", 24)
HMIS_IMPORT_SKIPS_KEPT = env_int("HMIS_IMPORT_SKIPS_KEPT", 200)
