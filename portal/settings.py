"""Settings of the enterprise policy service portal (惠企服务平台).

Everything that differs between machines comes from the environment (or a
`.env` file beside `manage.py`), read with django-environ. `PORTAL_PROFILE`
selects `development` (the default: safe for a laptop, never for the
internet) or `production` (passes `manage.py check --deploy`).
"""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# The project's scripts write the addresses of the services they found or
# started here; an explicit environment variable still wins.
environ.Env.read_env(BASE_DIR / "var" / "services.env", overwrite=False)

PROFILE = env.str("PORTAL_PROFILE", default="development")
if PROFILE not in {"development", "production"}:
    raise environ.ImproperlyConfigured(f"PORTAL_PROFILE must be 'development' or 'production', not {PROFILE!r}")
PRODUCTION = PROFILE == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-" + "x" * 32)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed
# when recording a client's address; none by default.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Key for personal and financial data encrypted at rest (phone numbers, ID
# numbers, bank accounts). A urlsafe-base64 32-byte Fernet key; several,
# comma-separated, newest first, to rotate keys.
if PRODUCTION:
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
else:
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=["ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="])

INSTALLED_APPS = [
    # Django's admin, with the staff-only second-factor site (portal/accounts/admin_site.py)
    "portal.accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "django_filters",
    "portal.core.vendor_apps.AxesConfig",
    "django_otp",
    "portal.core.vendor_apps.TotpConfig",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # the shared kernel
    "portal.core",
    "portal.accounts",
    "portal.org",
    "portal.workcalendar",
    "portal.core.vendor_apps.NotifyConfig",
    "portal.audit",
    "portal.search",
    "portal.documents",
    "portal.supervision",
    # the domains
    "policies",
    "matters",
    "enterprises",
    "enterprises.importing",
    "applications",
    "payouts",
    "appeals",
    "engagement",
]

MIDDLEWARE = [
    "portal.core.middleware.RequestIdMiddleware",
    "portal.org.middleware.PermissionCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.supervision.middleware.VisitCountingMiddleware",
    # axes must be last: it turns a locked-out login into its own response
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.core.context_processors.portal",
                "portal.notify.context_processors.unread_messages",
                "portal.workcalendar.context_processors.calendar_warning",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def _next_redis_db(url: str) -> str:
    """The same Redis server, the next database number: the cache lives apart from the broker's queues."""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db + 1) % 16}"))


# Clearing the cache must never drop queued Celery messages, so the cache has
# its own Redis database (REDIS_URL's number + 1 unless CACHE_REDIS_URL says).
CACHE_REDIS_URL = env.str("CACHE_REDIS_URL", default=_next_redis_db(REDIS_URL))
CACHES = {
    "default": {
        # A Redis outage must slow pages down, never break them: the resilient
        # backend treats a lost connection as a cache miss.
        "BACKEND": "portal.core.cache.ResilientRedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.backends.PhoneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.accounts.validators.PhoneNotInPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failures for the same
# user name from the same address, the account is locked for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "errors/locked.html"
# Phone logins are counted under the keyed digest of the number, and no
# phone number, code or password is copied into axes' tables.
AXES_USERNAME_CALLABLE = "portal.accounts.backends.axes_username"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "phone", "code", "otp_token", "password1", "password2"]

# SMS verification codes (短信验证码): at most this many to one phone a day.
VERIFICATION_CODES_PER_PHONE_PER_DAY = env.int("VERIFICATION_CODES_PER_PHONE_PER_DAY", default=10)

# Staff sign in to the back office with a second factor (TOTP). Only a
# development machine may turn it off.
STAFF_OTP_REQUIRED = True if PRODUCTION else env.bool("STAFF_OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="惠企服务平台")

# The province's unified identity login (OIDC), off by default.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("portal.accounts.oidc.ProvinceOIDCBackend")
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile phone")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
    OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
    # Claim names differ between provinces; these are the OIDC standard ones.
    OIDC_CLAIM_PHONE = env.str("OIDC_CLAIM_PHONE", default="phone_number")
    OIDC_CLAIM_NAME = env.str("OIDC_CLAIM_NAME", default="name")
    OIDC_CLAIM_USCC = env.str("OIDC_CLAIM_USCC", default="uscc")
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
    OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_authentication_callback"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# locale/vendor: Chinese for third-party apps' strings their own catalogues lack
# (kept apart: sync_catalogues rewrites locale/zh_Hans from our own source).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Signed documents (签章文书: 受理回执, 一次性告知书, 决定书) are kept apart from the uploads, in storage no URL
# serves: only the views of the domain that issued one hand it out, to those it allows.
STORAGES["documents"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": env.path("DOCUMENT_ROOT", default=BASE_DIR / "var" / "documents")},
}
MEDIA_URL = "/media/"
# Uploads: a hard ceiling for any request body, and the largest single file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=20)
MAX_IMPORT_MB = env.int("MAX_IMPORT_MB", default=150)

# Celery: Redis as broker; results are not kept (tasks write what matters to
# the database themselves).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 1}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE = {
    # verification codes older than 30 days are deleted (daily)
    "accounts-purge-verification-codes": {"task": "accounts.purge_verification_codes", "schedule": 24 * 3600.0},
    # per-address request counters of past hours (daily)
    "accounts-purge-request-counters": {"task": "accounts.purge_request_counters", "schedule": 24 * 3600.0},
    # sends SMS left behind (quiet hours over, back-off elapsed, a worker died mid-send, Redis was down)
    "notify-dispatch-outbox": {"task": "portal.notify.tasks.dispatch_outbox", "schedule": 60.0},
    # expired policies expire, expired or repealed ones go offline within 3 working days (hourly: idempotent)
    "policies-expire": {"task": "policies.expire_policies", "schedule": 3600.0},
    # consultations on draft policies close once their period in working days has ended (hourly: idempotent)
    "engagement-close-consultations": {"task": "engagement.close_due_consultations", "schedule": 3600.0},
    # subscription notices whose task never reached the broker
    "policies-subscription-sweep": {"task": "policies.sweep_subscription_notices", "schedule": 300.0},
    # rule tags follow the calendar too: qualifications expire, enterprises pass an age band (nightly, 02:30)
    "enterprises-refresh-rule-tags": {
        "task": "enterprises.refresh_rule_tags",
        "schedule": crontab(hour=2, minute=30),
    },
    # import jobs whose broker message was lost, or whose worker died (every 5 minutes)
    "enterprise-imports-sweep": {"task": "enterprise_imports.sweep_import_jobs", "schedule": 300.0},
    # the search index is written on publish and change; nightly it is rebuilt to repair any failed write (03:15)
    "search-reindex": {"task": "search.reindex_all", "schedule": crontab(hour=3, minute=15)},
    # 办事服务: every active service link checked, newly dead ones told to their curators once (daily, 04:30)
    "engagement-check-service-links": {
        "task": "engagement.check_service_links",
        "schedule": crontab(hour=4, minute=30),
    },
    # running clocks (办理时限) past their due date are marked overdue (daily, just after midnight)
    "workcalendar-mark-overdue-clocks": {
        "task": "workcalendar.mark_overdue_clocks",
        "schedule": crontab(hour=0, minute=5),
    },
    # 档案变更 → the changed enterprises re-matched against every open matter, new matches told (within a minute)
    "matters-consume-change-events": {"task": "matters.consume_change_events", "schedule": 30.0},
    # matters published but never matched, matches never told, batch pushes whose worker died (every 5 minutes)
    "matters-sweep-matching": {"task": "matters.sweep_matching", "schedule": 300.0},
    # the whole register re-matched against every open matter, repairing drift (nightly, after the rule tags)
    "matters-rematch-open-matters": {
        "task": "matters.rematch_open_matters",
        "schedule": crontab(hour=3, minute=45),
    },
    # suspected duplicate names of the public catalogue (疑似重复事项名称) found again (nightly, 02:15)
    "matters-flag-near-duplicate-names": {
        "task": "matters.flag_near_duplicate_names",
        "schedule": crontab(hour=2, minute=15),
    },
    # review steps: 临期提醒 two working days before, 超期 recorded and escalated once (hourly: idempotent)
    "applications-check-step-deadlines": {"task": "applications.check_step_deadlines", "schedule": 3600.0},
    # 公示期满 without an open objection → 待兑付 (hourly, and just after midnight when a period ends)
    "applications-end-publicity": {"task": "applications.end_publicity", "schedule": 3600.0},
    # 好差评 invitations three days after the decision, sent in the morning (09:30)
    "applications-invite-ratings": {"task": "applications.invite_ratings", "schedule": crontab(hour=9, minute=30)},
    # 差评整改 past its due date escalated to the supervisors (daily, 08:45)
    "applications-check-rectifications": {
        "task": "applications.check_rectifications",
        "schedule": crontab(hour=8, minute=45),
    },
    # nonces of signed API calls older than the ±300 s window: a replay that old is refused anyway (every 10 minutes)
    "applications-sweep-api-nonces": {"task": "applications.sweep_api_nonces", "schedule": 600.0},
    # 免申即享: pending confirmations past their deadline are recorded as 逾期视为放弃, and accepted lists whose
    # notification task was lost are told (hourly: idempotent)
    "applications-waive-overdue-confirmations": {
        "task": "applications.waive_overdue_confirmations",
        "schedule": 3600.0,
    },
    # 兑付: a payout for every case that reached 待兑付 and every confirmed 免申即享 entry (every 2 minutes)
    "payouts-open": {"task": "payouts.open_payouts", "schedule": 120.0},
    # payouts past their 兑付时限 flagged to finance and supervisors (daily, 宜昌 §38)
    "payouts-flag-overdue": {"task": "payouts.flag_overdue", "schedule": crontab(hour=8, minute=45)},
    # paid payouts whose notification task was lost are settled again (hourly; dedupe keys send nothing twice)
    "payouts-repair-notifications": {"task": "payouts.repair_notifications", "schedule": 3600.0},
    # 诉求: 预警 before a due date, 督办 after it, 超时限三倍 counted (hourly, each once)
    "appeals-watch-deadlines": {"task": "appeals.watch_deadlines", "schedule": 3600.0},
    # 诉求: tickets not evaluated within the 评价 period closed as 逾期未评价 (hourly)
    "appeals-close-unevaluated": {"task": "appeals.close_unevaluated", "schedule": 3600.0},
    # 督查: the dashboards' daily aggregates of the recent days rewritten (every 10 minutes), all of them nightly
    "supervision-refresh-recent": {"task": "supervision.refresh_recent", "schedule": 600.0},
    "supervision-refresh-all": {"task": "supervision.refresh_all", "schedule": crontab(hour=2, minute=30)},
    # 平台运行: visits, searches and calculator uses counted in Redis moved to the database (every 5 minutes)
    "supervision-flush-activity": {"task": "supervision.flush_activity", "schedule": 300.0},
    # 督查报告: on the first working day of a month last month's report, quarterly also the joint-meeting pack (daily)
    "supervision-monthly-reports": {"task": "supervision.monthly_reports", "schedule": crontab(hour=7, minute=0)},
    # 线上政策咨询会: each booking reminded once SESSION_REMINDER_HOURS before its session (every 15 minutes)
    "engagement-session-reminders": {"task": "engagement.session_reminders", "schedule": 900.0},
}
# How many days back the 10-minute refresh rewrites (events are dated when they happen; older days are rewritten
# by the nightly full refresh, which also catches corrections).
SUPERVISION_REFRESH_DAYS = env.int("SUPERVISION_REFRESH_DAYS", default=40)

# SMS (短信) through the outbox; the provider is a registry name.
SMS_PROVIDER = env.str("SMS_PROVIDER", default="console")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_APP_ID = env.str("SMS_HTTP_APP_ID", default="")
SMS_HTTP_SECRET = env.str("SMS_HTTP_SECRET", default="")
SMS_ALIYUN_ACCESS_KEY_ID = env.str("SMS_ALIYUN_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env.str("SMS_ALIYUN_ACCESS_KEY_SECRET", default="")
SMS_ALIYUN_SIGN_NAME = env.str("SMS_ALIYUN_SIGN_NAME", default="")
SMS_QUIET_HOURS = env.str("SMS_QUIET_HOURS", default="22:00-08:00")
SMS_DAILY_CAP_PER_PHONE = env.int("SMS_DAILY_CAP_PER_PHONE", default=10)
# 线上政策咨询会: hours before the start a booked enterprise is reminded; the hosts of the city's own video
# system a conference link must be on (comma-separated; empty: any https address).
SESSION_REMINDER_HOURS = env.int("SESSION_REMINDER_HOURS", default=24)
SESSION_CONFERENCE_HOSTS = env.list("SESSION_CONFERENCE_HOSTS", default=[])
# The portal's public address, for links in SMS (政策推送短信) that cannot be relative.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=5.0)
# A row left in "sending" this long (its worker died mid-send) is due again.
SMS_SENDING_LEASE_SECONDS = env.int("SMS_SENDING_LEASE_SECONDS", default=300)
SMS_MAX_ATTEMPTS = env.int("SMS_MAX_ATTEMPTS", default=8)
# A fan-out (群发) commits its messages in chunks of this many recipients.
NOTIFY_FANOUT_CHUNK_SIZE = env.int("NOTIFY_FANOUT_CHUNK_SIZE", default=500)
# Webhooks (推送) through the same outbox: retried with back-off until the
# endpoint acknowledges (0 = no limit on attempts).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_SENDING_LEASE_SECONDS = env.int("WEBHOOK_SENDING_LEASE_SECONDS", default=120)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=0)

# The platform's identity, shown in the header and footer. A name has a Chinese
# value and an English one (`…_EN`), shown to readers who chose English; an
# English value left empty falls back to the Chinese (a proper name).
PORTAL_NAME = env.str("PORTAL_NAME", default="惠企服务平台")
PORTAL_NAME_EN = env.str("PORTAL_NAME_EN", default="Enterprise Support Portal")
# 主办单位: the host department's full name, e.g. 宜昌市政务服务和数据管理局.
PORTAL_HOST_DEPARTMENT = env.str("PORTAL_HOST_DEPARTMENT", default="")
PORTAL_HOST_DEPARTMENT_EN = env.str("PORTAL_HOST_DEPARTMENT_EN", default="")
# 联系方式: the enquiry telephone number and e-mail address, without labels (the page adds them).
PORTAL_CONTACT_PHONE = env.str("PORTAL_CONTACT_PHONE", default="")
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default="")
# What a Chinese government site must show in its footer; each line is hidden while empty.
# ICP备案号 (e.g. 鄂ICP备12345678号-1, links to beian.miit.gov.cn), 公安机关备案号
# (e.g. 鄂公网安备42050202000123号, links to beian.mps.gov.cn by its digits) and
# 网站标识码 (the 10-character code the State Council's site census assigns, e.g.
# 4205000001); with a site code the footer also links to 政府网站找错 (zfwzgl.www.gov.cn).
PORTAL_ICP = env.str("PORTAL_ICP", default="")
PORTAL_PSB = env.str("PORTAL_PSB", default="")
PORTAL_SITE_CODE = env.str("PORTAL_SITE_CODE", default="")

# Signing keys of the documents (文书数字签名). DOCUMENT_SIGNING_DIR holds one PKCS#12 file per department,
# `<department code>.p12`, and `platform.p12` for documents no department issues, all opened with
# DOCUMENT_SIGNING_PASSPHRASE; DOCUMENT_SIGNING_TRUST_ROOTS are the PEM certificates a signature must chain to
# (default: `root-ca.pem` in that directory). Seals (电子印章图片) are `seals/<department code>.png` there.
# On a development machine `manage.py create_signing_keys` (or the first document issued) makes a development
# CA, keys and seals; where DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS is on (production), nothing is ever made up.
DOCUMENT_SIGNING_DIR = env.path("DOCUMENT_SIGNING_DIR", default=BASE_DIR / "var" / "signing")
DOCUMENT_SIGNING_PASSPHRASE = env.str(
    "DOCUMENT_SIGNING_PASSPHRASE", default="" if PRODUCTION else "dev-only-signing-passphrase"
)
DOCUMENT_SIGNING_TRUST_ROOTS = env.list("DOCUMENT_SIGNING_TRUST_ROOTS", default=[])
DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS = env.bool("DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS", default=PRODUCTION)
# Uploads checked on the public verification page (文书核验), per client address and hour.
DOCUMENT_VERIFY_UPLOADS_PER_HOUR = env.int("DOCUMENT_VERIFY_UPLOADS_PER_HOUR", default=30)

# Demo data loaders, in the order they run (`manage.py load_demo`).
DEMO_LOADERS = [
    "portal.accounts.demo",
    "portal.org.demo",
    "enterprises.demo",
    "policies.demo",
    "matters.demo",
    "applications.demo",
    "payouts.demo",
    "appeals.demo",
    "engagement.demo",
    "portal.search.demo",
    "portal.supervision.demo",
]

# Content Security Policy (django-csp 4): everything is served by the portal
# itself, so nothing but 'self' is allowed; inline scripts need the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The OpenAPI schema of the departments' systems' API (/api/schema/, /api/docs/): open to read, like any
# published interface; Swagger UI is served from drf-spectacular-sidecar's static files (no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "惠企服务平台 · 部门业务系统对接接口",
    "DESCRIPTION": (
        "部门自建业务系统向平台推送办件（宜昌 §31、常州 §23）。按业务系统办件编号新建或更新，幂等；"
        "每个请求以本部门的接入密钥作 HMAC-SHA256 签名，详见安全方案 hmacSignature。"
    ),
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise ask validator.swagger.io about the schema.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "supportedSubmitMethods": []},
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "portal.core.logging.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
        # pypdf reports every repair it makes while judging an upload; a repaired file is still a PDF.
        "pypdf": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}
CSRF_FAILURE_VIEW = "portal.core.views.csrf_failure"
