"""The portal's one settings module, driven by environment variables.

Defaults suit a newcomer's laptop (SQLite under var/, tasks run eagerly, e-mail to the console);
whenever DEBUG is off the security settings switch to production values.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envbool(name: str, default: bool = False) -> bool:
    """A yes/no variable; anything unrecognised stops start-up rather than silently meaning "no"
    (a typo such as `SECURE_SSL_REDIRECT=ture` must not switch a security feature off)."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value: use one of 1/0, true/false, "
        "yes/no, on/off, or leave it empty for the default."
    )


def envint(name: str, default: int) -> int:
    """An integer variable; a bad value names the variable instead of ending in a ValueError."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
PARTNERSHIP_NAME = os.environ.get("PARTNERSHIP_NAME", "Reducing Drug Harm Partnership")
# Absolute links in e-mails (there is no request to build them from). Production must say where
# the portal lives (system check portal.E001); in development it is the runserver's address.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL") or (
    f"http://127.0.0.1:{envint('PORT', 8000)}" if DEBUG else ""
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_tables2",
    "django_filters",
    "import_export",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "portal",
    "accounts",
    "audit",
    "scorecard",
    "submissions",
    "collection",
    "commentary",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.IdleTimeout",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.TwoFactorRequired",
    "portal.middleware.RefuseUnstorableText",
    "portal.middleware.NoStoreWhenSignedIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
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

# How many reverse proxies of our own stand in front of the portal: the client's address is that
# many entries from the right of X-Forwarded-For (0: the connecting address). Used alike by the
# sign-in lockout (axes) and the API's throttles (DRF), through portal.clients.client_ip.
TRUSTED_PROXY_HOPS = envint("TRUSTED_PROXY_HOPS", 0)

# Login throttling: lock a username at one client address after repeated failures, so that an
# attacker locks out only themselves, never the person whose name they try from elsewhere.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = envbool("AXES_ENABLED", True)
AXES_CLIENT_IP_CALLABLE = "portal.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.views.locked_out"

# A session ends after this long without a request (portal.middleware.IdleTimeout moves it on).
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# Password reset e-mails asked for from one address, or for one e-mail address, in an hour.
PASSWORD_RESETS_PER_HOUR = envint("PASSWORD_RESETS_PER_HOUR", 5)

# Approvers and admins add a code from an authenticator app (TOTP) to their password.
TWO_FACTOR_REQUIRED = envbool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = PARTNERSHIP_NAME

# API tokens (django-rest-knox): stored hashed, valid this long, revoked on a new password, on
# signing out, or by their owner.
API_TOKEN_HOURS = envint("API_TOKEN_HOURS", 24 * 30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cover files; the upload form checks this.
# A file is read within these bounds, whatever it declares (portal.spreadsheets); the most text a
# workbook may unpack to is MAX_UPLOAD_BYTES too, so staged data never exceeds it.
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_ROWS = envint("UPLOAD_MAX_ROWS", 20_000)
UPLOAD_MAX_COLUMNS = envint("UPLOAD_MAX_COLUMNS", 30)
UPLOAD_MAX_CELL_CHARS = envint("UPLOAD_MAX_CELL_CHARS", 32_767)
UPLOAD_MAX_UNPACKED_BYTES = envint("UPLOAD_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
UPLOAD_MAX_PARTS = envint("UPLOAD_MAX_PARTS", 500)
# Uploads waiting for their preview to be confirmed: how many one person may have, how long kept.
STAGED_UPLOADS_PER_USER = envint("STAGED_UPLOADS_PER_USER", 3)
STAGED_UPLOAD_HOURS = envint("STAGED_UPLOAD_HOURS", 24)

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager (in-process) when no broker is configured, so `make run` needs nothing else.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "heal-stale-scorecard-rows": {
        "task": "scorecard.tasks.recompute_stale",
        "schedule": envint("HEAL_INTERVAL_SECONDS", 300),
    },
    # Reminders and digests are recorded before they are sent, so a second run sends nothing.
    "remind-data-leads": {
        "task": "collection.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "weekly-digest-to-approvers": {
        "task": "collection.tasks.send_weekly_digest",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    "sweep-staged-uploads": {"task": "submissions.tasks.sweep_staged_uploads", "schedule": 3600},
}

_email = dj_email_url.parse(os.environ.get("EMAIL_URL", "console:"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# `file:////var/mail/portal` (four slashes for an absolute path): each message written to a file.
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "scorecard@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
    "NUM_PROXIES": TRUSTED_PROXY_HOPS,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership scorecard portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.document_refusals",
    ],
}

FORM_RENDERER = "portal.renderers.GovukFormRenderer"
DJANGO_TABLES2_TEMPLATE = "tables/govuk_table.html"

# Content Security Policy (django-csp 4): same-origin only; scripts and styles are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint (the board pack's PDF) reports each CSS rule it does not support: the screen
    # rules, which print never uses. Only its errors are worth a log line.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
