"""IT-portalen settings: one module, configured by ITPORTAL_* environment variables."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from itportal import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env.get_str("VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env.get_bool("DEBUG", False)
SECRET_KEY = env.get_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ITPORTAL_SECRET_KEY must be set when ITPORTAL_DEBUG is off (production)."
        )
    SECRET_KEY = env.development_secret_key(VAR_DIR)

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "itportal.core",
    "itportal.organisation",
    "itportal.registry",
    "itportal.catalogue",
    "itportal.chargeback",
    "itportal.servicedesk",
    "itportal.api",
    "itportal.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "itportal.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "itportal.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "itportal.urls"
WSGI_APPLICATION = "itportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "itportal.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.parse_database_url(
        env.get_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'itportal.sqlite3'}"),
        base_dir=BASE_DIR,
    )
}
if (
    DATABASES["default"]["ENGINE"].endswith("sqlite3")
    and DATABASES["default"]["NAME"] != ":memory:"
):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env.get_bool("FAST_PASSWORD_HASHER", False):
    # Test suites only: argon2 is deliberately slow.
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["itportal.core.auth.LockoutModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_MAX_FAILURES = env.get_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env.get_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)

LANGUAGE_CODE = env.get_choice("LANGUAGE", "sv", {"sv", "en"})
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.get_str("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env.get_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic); plain files otherwise.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.get_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.get_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Uploads: imports larger than this are refused with a message naming the limit.
IMPORT_MAX_BYTES = env.get_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = env.get_int("IMPORT_MAX_ROWS", 100_000, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.get_str("EMAIL_FROM", "it-portalen@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# System register: a system unreviewed for longer than this is a finding.
REVIEW_MAX_MONTHS = env.get_int("REVIEW_MAX_MONTHS", 12, minimum=1)
# Contracts whose notice date falls within this many days are flagged for renewal.
RENEWAL_WARNING_DAYS = env.get_int("RENEWAL_WARNING_DAYS", 90, minimum=1)

# Chargeback: default accounts for the finance system (SIE export) when a service or IT fee
# rule names none; VAT and receivables for companies; the cost centre credited with IT fees.
CHARGEBACK_COST_ACCOUNT = env.get_str("CHARGEBACK_COST_ACCOUNT", "6540")
CHARGEBACK_REVENUE_ACCOUNT = env.get_str("CHARGEBACK_REVENUE_ACCOUNT", "3590")
CHARGEBACK_FEE_COST_ACCOUNT = env.get_str("CHARGEBACK_FEE_COST_ACCOUNT", "6541")
CHARGEBACK_FEE_REVENUE_ACCOUNT = env.get_str("CHARGEBACK_FEE_REVENUE_ACCOUNT", "3591")
CHARGEBACK_VAT_ACCOUNT = env.get_str("CHARGEBACK_VAT_ACCOUNT", "2611")
CHARGEBACK_RECEIVABLE_ACCOUNT = env.get_str("CHARGEBACK_RECEIVABLE_ACCOUNT", "1510")
CHARGEBACK_FEE_COST_CENTRE = env.get_str("CHARGEBACK_FEE_COST_CENTRE", "")

# Service desk: attachments larger than this, or of other types, are refused with a message.
SERVICEDESK_ATTACHMENT_MAX_BYTES = env.get_int(
    "SERVICEDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1
)
SERVICEDESK_ATTACHMENT_TYPES = env.get_list(
    "SERVICEDESK_ATTACHMENT_TYPES", ["pdf", "png", "jpeg", "txt", "docx", "xlsx"]
)

# Service desk: where SLA warnings go when a ticket has neither an agent nor a group address.
SERVICEDESK_EMAIL = env.get_str("SERVICEDESK_EMAIL", "")
# The desk's mailbox, read by `manage.py read_desk_mail`.
SERVICEDESK_IMAP_HOST = env.get_str("SERVICEDESK_IMAP_HOST", "")
SERVICEDESK_IMAP_PORT = env.get_int("SERVICEDESK_IMAP_PORT", 993, minimum=1)
SERVICEDESK_IMAP_USER = env.get_str("SERVICEDESK_IMAP_USER", "")
SERVICEDESK_IMAP_PASSWORD = env.get_str("SERVICEDESK_IMAP_PASSWORD", "")
SERVICEDESK_IMAP_SSL = env.get_bool("SERVICEDESK_IMAP_SSL", True)
SERVICEDESK_IMAP_MAILBOX = env.get_str("SERVICEDESK_IMAP_MAILBOX", "INBOX")

PORTAL_NAME = env.get_str("PORTAL_NAME", "IT-portalen")
PORTAL_OWNER = env.get_str("PORTAL_OWNER", "Kommunkoncernen")
PORTAL_COLOUR = env.get_str("PORTAL_COLOUR", "#0b4f6c")

TASKS = {
    "default": {
        "BACKEND": env.get_choice(
            "TASK_BACKEND",
            "django_tasks_db.DatabaseBackend",
            {"django_tasks_db.DatabaseBackend", "django_tasks.backends.immediate.ImmediateBackend"},
        )
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated call gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["itportal.api.permissions.RestrictedPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "itportal.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "itportal.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IT-portalen API",
    "DESCRIPTION": (
        "REST API of IT-portalen. Authenticate with a session or 'Authorization: Token <key>'."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs follow the API's own rule (logged-in users), not AllowAny.
    "SERVE_PERMISSIONS": ["itportal.api.permissions.RestrictedPermission"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "KlassaLevelEnum": "itportal.registry.choices.KlassaLevel",
        "LevelEnum": "itportal.servicedesk.choices.Level",
        "TicketKindEnum": "itportal.servicedesk.choices.Kind",
        "TicketStatusEnum": "itportal.servicedesk.choices.Status",
        "ChangeKindEnum": "itportal.servicedesk.models_change.ChangeKind",
        "ChangeStatusEnum": "itportal.servicedesk.models_change.ChangeStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_PAGE_RANGE = 8

SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.get_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.get_int("HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.get_bool("HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
