"""Settings for the AP 1311 governance portal.

Everything comes from the environment (django-environ); the defaults give the embedded mode
(SQLite under var/, Celery on a file-system broker, e-mail written to var/mail/) so that
`make run` works on a machine with no services. See README.md for the production variables.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# A local `.env` (made by `make run` for development, never committed) is read only when asked
# (DJANGO_READ_DOT_ENV=true, which `make run` and manage.py set, as cookiecutter-django does); real
# environment variables always win over it. Production processes read the environment alone.
if env.bool("DJANGO_READ_DOT_ENV", default=False) and (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
# Folders the portal writes to; created at start-up (core.apps.CoreConfig.ready), never at import.
RUNTIME_DIRS = [VAR_DIR]

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-ap1311"
SECRET_KEY = env("SECRET_KEY", default="") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY (only DJANGO_DEBUG=true has a development default).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# AP 1311 §1.1.1: professional activity uses a district address. Sign-up, sign-in and every
# address the portal records for an account must be on one of these domains.
DISTRICT_EMAIL_DOMAINS = [
    d.strip().lower().lstrip("@") for d in env.list("DISTRICT_EMAIL_DOMAINS", default=["sd.example"])
]

INSTALLED_APPS = [
    # django.contrib.admin with the district's grouping and names (governance/admin.py).
    "governance.apps.DistrictAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Index expressions with operator classes (the trigram search indexes, core/indexes.py); inert on SQLite.
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "csp",
    "core",
    "accounts",
    "catalogue",
    "directory",
    "audit",
    "notifications",
    "approvals",
    "consent",
    "registry",
    "outreach",
    "moderation",
    "offboarding",
    "oversight",
    "demo",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"
ASGI_APPLICATION = "governance.asgi.application"

# Templates are compiled once per process outside DEBUG (the cached loader); DEBUG reads them afresh.
_TEMPLATE_LOADERS = ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"]
if not DEBUG:
    _TEMPLATE_LOADERS = [("django.template.loaders.cached.Loader", _TEMPLATE_LOADERS)]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "loaders": _TEMPLATE_LOADERS,
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "notifications.context_processors.unread",
            ],
        },
    },
    {
        # Plain text (notification subjects and bodies, e-mail text parts): no HTML escaping.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"autoescape": False, "loaders": _TEMPLATE_LOADERS},
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds; 0 closes after every request), checked before reuse so that a
# connection the server dropped (restart, failover, idle timeout) is replaced instead of failing a request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait instead of failing when the worker and the web process write at the same moment.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["TEST"] = {"NAME": "file:memorydb_default?mode=memory&cache=shared"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env("REDIS_URL", default="")
# Cache (sessions' rate limits, allauth's rate limits): Redis when configured; a separate database
# index from the broker is advisable (CACHE_REDIS_URL), since the test suite flushes the cache.
CACHE_REDIS_URL = env("CACHE_REDIS_URL", default=REDIS_URL)


def redis_cache(url: str) -> dict:
    """The cache on Redis, resilient: when Redis is unreachable, each process carries on with its own
    memory (core.cache), so pages answer and rate limits limit per process (README, "Redis down")."""
    return {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry_after": 5},
    }


if CACHE_REDIS_URL:
    CACHES = {"default": redis_cache(CACHE_REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# --- django-allauth -------------------------------------------------------------------------
# The district adapter (accounts.adapters), with its e-mails sent through the outbox.
ACCOUNT_ADAPTER = "notifications.adapters.OutboxAccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.DistrictSocialAccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.DistrictLoginForm", "signup": "accounts.forms.DistrictSignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AP 1311 portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Credential reveals ask for a fresh password within this many seconds (registry issue).
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)
# A break-glass reveal (an approver or district admin who neither owns nor co-administers the account)
# flags the account "password rotation needed" (§1.4.5): the password is no longer known to its admins only.
REVEAL_BREAK_GLASS_FLAGS_ROTATION = env.bool("REVEAL_BREAK_GLASS_FLAGS_ROTATION", default=True)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# A password reset for an address nobody has mails nobody (the page answers the same either way):
# every e-mail the portal sends has a recipient in the outbox (notifications).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="AP 1311 portal")
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False

# Optional single sign-on, switched on only when its client id is in the environment.
# AP 1311 trust: an identity provider may only speak for the district's own addresses. Microsoft
# sign-in is pinned to the district's Entra tenant (a multi-tenant endpoint would let any tenant claim
# principal@<district domain>: the "nOAuth" pattern) and only district-domain addresses from it count as
# verified; Google sign-in is limited to the district's Workspace domain (`hd`) and to addresses Google
# marks verified. accounts.adapters.DistrictSocialAccountAdapter checks both again on every sign-in.
SOCIALACCOUNT_PROVIDERS = {}
MULTI_TENANT_MICROSOFT_ENDPOINTS = {"", "common", "organizations", "consumers"}
if env("MICROSOFT_CLIENT_ID", default=""):
    MICROSOFT_TENANT = env("MICROSOFT_TENANT", default="").strip()
    if MICROSOFT_TENANT.lower() in MULTI_TENANT_MICROSOFT_ENDPOINTS:
        raise ImproperlyConfigured(
            "Microsoft sign-in needs MICROSOFT_TENANT set to the district's Entra tenant id (a GUID); "
            "'common', 'organizations' and 'consumers' would let other tenants sign in as district staff."
        )
    INSTALLED_APPS.append("allauth.socialaccount.providers.microsoft")
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": env("MICROSOFT_CLIENT_ID"),
                "secret": env("MICROSOFT_CLIENT_SECRET"),
                "settings": {"tenant": MICROSOFT_TENANT},
            }
        ],
        "EMAIL_AUTHENTICATION": True,
        # Only addresses on the district's domains, from the district's own tenant, count as verified.
        "VERIFIED_EMAIL": DISTRICT_EMAIL_DOMAINS,
    }
if env("GOOGLE_CLIENT_ID", default=""):
    INSTALLED_APPS.append("allauth.socialaccount.providers.google")
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": env("GOOGLE_CLIENT_ID"), "secret": env("GOOGLE_CLIENT_SECRET")}],
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"hd": DISTRICT_EMAIL_DOMAINS[0]},
        "EMAIL_AUTHENTICATION": True,
        # Google says itself whether an address is verified (email_verified); we never assume it.
        "VERIFIED_EMAIL": False,
    }

# --- Forms, static files --------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
RUNTIME_DIRS.append(STATIC_ROOT)  # whitenoise warns about a missing STATIC_ROOT
NODE_MODULES = BASE_DIR / "node_modules"
# Bootstrap, its icons and Chart.js come from the npm registry at setup time (package.json),
# never from a CDN: schools run closed networks and a strict Content-Security-Policy.
STATICFILES_DIRS = [BASE_DIR / "static"] + [
    (prefix, NODE_MODULES / path)
    for prefix, path in [
        ("vendor/bootstrap", "bootstrap/dist"),
        ("vendor/bootstrap-icons", "bootstrap-icons/font"),
        ("vendor/chartjs", "chart.js/dist"),
    ]
    if (NODE_MODULES / path).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env("STATICFILES_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Languages and time ---------------------------------------------------------------------------
# English and French (issue 17). The browser's language is the default (LocaleMiddleware); a person's
# own choice (accounts.User.language, set by the switch on every page) wins, and their e-mails follow it.
# The catalog is locale/fr/ (fr-ca falls back to it); dates and numbers use Django's en_CA and fr_CA formats.
LANGUAGE_CODE = "en-ca"
LANGUAGES = [("en-ca", "English"), ("fr-ca", "Français")]  # autonyms: each name in its own language
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["governance.formats"]  # fr_CA times, fixed over Django's (governance/formats/)
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", default="America/Vancouver")
USE_I18N = True
USE_TZ = True

# --- E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="AP 1311 portal <no-reply@sd.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Celery ----------------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Tasks are acknowledged late: a message a dead worker took goes to another worker once it has been
    # unacknowledged this long. Keep it longer than the slowest task (an e-mail send, with EMAIL_TIMEOUT).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
else:
    # No server needed: kombu's file-system transport. In and out must be the same folder.
    _broker_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    RUNTIME_DIRS += [_broker_dir, _processed_dir, _control_dir]
    # A host name the file-system transport ignores, so kombu does not warn "No hostname was supplied".
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
# When the broker is down, publishing fails fast; the notification stays in the outbox and the
# flush_outbox schedule sends it once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
# No task may hang a worker: the soft limit raises inside the task (it is retried or marked), the hard
# one kills it (acks_late redelivers it). E-mails and sweeps take seconds.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Security -------------------------------------------------------------------------------------
# HTTPS=true (the default outside DEBUG) turns on every transport protection `check --deploy` asks for.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g. 10.0.0.5,10.1.0.0/24);
# empty: the header is ignored. The audit trail and every rate limit use core.net.client_ip.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
RATELIMIT_IP_META_KEY = "core.net.client_ip"  # django-ratelimit counts per client behind the proxy too
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging: what was sent, what failed; never secrets --------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Portal rules ---------------------------------------------------------------------------------
PORTAL = {
    # Site reviews (§1.2.1.3): default cadence in days.
    "REVIEW_CADENCE_DAYS": env.int("REVIEW_CADENCE_DAYS", default=90),
    # Requests waiting longer than this remind the unit's approvers (§1.4.6).
    "PENDING_APPROVAL_REMINDER_DAYS": env.int("PENDING_APPROVAL_REMINDER_DAYS", default=3),
    # Moderation (§1.4.3): escalate to the approvers after this many missed periods among the account's
    # last MODERATION_WINDOW_PERIODS periods (days when comments are on, weeks when moderated).
    "MODERATION_ESCALATE_AFTER_MISSED": env.int("MODERATION_ESCALATE_AFTER_MISSED", default=3),
    # MODERATION_WINDOW_DAYS is the variable's earlier name, still read.
    "MODERATION_WINDOW_PERIODS": env.int(
        "MODERATION_WINDOW_PERIODS", default=env.int("MODERATION_WINDOW_DAYS", default=7)
    ),
    # One-click check-in links in reminder e-mails stay valid this long.
    "CHECKIN_LINK_MAX_AGE_HOURS": env.int("CHECKIN_LINK_MAX_AGE_HOURS", default=36),
    # Site reviews overdue this many days escalate to the approvers (§1.2.1.3).
    "REVIEW_GRACE_DAYS": env.int("REVIEW_GRACE_DAYS", default=14),
    # An e-mail claimed for sending this long ago by a worker that never finished (killed mid-send) may be
    # claimed and sent again. Keep it longer than one send takes (EMAIL_TIMEOUT), or a slow send goes twice.
    "STALE_CLAIM_SECONDS": env.int("STALE_CLAIM_SECONDS", default=600),
}

# --- Enough hands (issue 15, §1.4.5): people with administrative access each active account needs, the
# owner and co-admins counted. Registration asks for a backup co-admin unless this is 1.
MIN_ACCOUNT_ADMINS = env.int("MIN_ACCOUNT_ADMINS", default=2)
# --- Offboarding (issue 15): open cases escalate to the district admins after this many days.
OFFBOARDING_ESCALATE_AFTER_DAYS = env.int("OFFBOARDING_ESCALATE_AFTER_DAYS", default=7)

# Absolute links in e-mails (reminders, one-click check-ins).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Credential encryption (registry, AP 1311 §1.4.5) -------------------------------------------
# Fernet keys, newest first: the first encrypts, every key decrypts (rotation: SECURITY.md). Never
# derived from SECRET_KEY. Only DEBUG has a fixed development key. Elsewhere a missing key makes
# `manage.py check` (run by migrate and runserver) fail with registry.E001 and every credential
# read or write raise ImproperlyConfigured; a malformed key is refused right here.
_DEV_CREDENTIAL_KEY = "NO6wlSJitmjsH4mdjF61mZjy0KBPgSj3cUBxUByWzkg="
CREDENTIAL_ENCRYPTION_KEYS = [k.strip() for k in env.list("CREDENTIAL_ENCRYPTION_KEYS", default=[]) if k.strip()]
if not CREDENTIAL_ENCRYPTION_KEYS and DEBUG:
    CREDENTIAL_ENCRYPTION_KEYS = [_DEV_CREDENTIAL_KEY]
if _DEV_CREDENTIAL_KEY in CREDENTIAL_ENCRYPTION_KEYS and not DEBUG:
    raise ImproperlyConfigured("The development credential key cannot be used outside DJANGO_DEBUG=true.")
for _key in CREDENTIAL_ENCRYPTION_KEYS:
    try:
        from cryptography.fernet import Fernet as _Fernet

        _Fernet(_key)
    except ValueError as _error:
        raise ImproperlyConfigured(
            "CREDENTIAL_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes), comma-separated."
        ) from _error
# The public "is this an official account?" page: lookups per minute and IP address.
OFFICIAL_CHECK_RATE_PER_MINUTE = env.int("OFFICIAL_CHECK_RATE_PER_MINUTE", default=20)

# --- Student media consent roster (AP 1311 §1.3.6) -----------------------------------------------
# Days after a school year's last day until its roster is purged (consent.tasks.purge_expired_rosters).
CONSENT_RETENTION_DAYS = env.int("CONSENT_RETENTION_DAYS", default=30)
# --- API (issue 16): tokens, the public verification, webhooks ------------------------------------
REST_FRAMEWORK = {
    # Bearer tokens only: sessions never authenticate the API (no CSRF surface, no browsable pages).
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_TOKEN_RATE", default="600/min"),
        "verify": env("API_VERIFY_RATE", default="60/min"),
    },
    # The client address for rate limits is REMOTE_ADDR (never a client-sent X-Forwarded-For).
    "NUM_PROXIES": 0,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AP 1311 portal API",
    "DESCRIPTION": "Registry, requests and audit trail for the district's other systems; public verification "
    "of official accounts. Tokens: Django admin → API tokens.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "EntryStatusEnum": "registry.models.RegistryEntry.Status",
        "RequestStatusEnum": "approvals.models.AccountRequest.Status",
        "VerificationStatusEnum": ["official", "retired", "unknown"],
        "VerifiedAccountStatusEnum": ["official", "retired"],
    },
}
API = {
    # The audit stream serves an event once the gap before it (if any) is this old (api/stream.py).
    "AUDIT_SETTLE_SECONDS": env.int("API_AUDIT_SETTLE_SECONDS", default=60),
    "WEBHOOK_MAX_ATTEMPTS": env.int("WEBHOOK_MAX_ATTEMPTS", default=8),
    "WEBHOOK_RETRY_BASE_SECONDS": env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30),
    "WEBHOOK_RETRY_MAX_SECONDS": env.int("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600),
    "WEBHOOK_CONNECT_TIMEOUT": env.float("WEBHOOK_CONNECT_TIMEOUT", default=3.0),
    "WEBHOOK_READ_TIMEOUT": env.float("WEBHOOK_READ_TIMEOUT", default=5.0),
    # Longer than one attempt can take: a delivery claimed longer ago by a dead worker is sent again.
    "WEBHOOK_STALE_CLAIM_SECONDS": env.int("WEBHOOK_STALE_CLAIM_SECONDS", default=120),
    # Loopback and private addresses are refused (server-side request forgery) unless this is on.
    "WEBHOOK_ALLOW_PRIVATE_URLS": env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False),
    # Use HTTP(S)_PROXY from the environment for deliveries (a district egress proxy).
    "WEBHOOK_TRUST_ENV": env.bool("WEBHOOK_TRUST_ENV", default=False),
}
# One-time form tokens (core.once): how long a used token is remembered.
FORM_TOKEN_RETENTION_DAYS = env.int("FORM_TOKEN_RETENTION_DAYS", default=30)
