"""Settings module of a fictional web shop, used by the benchmark's one-file job when the
real-world corpus (which provides django/conf/global_settings.py) is not available.

It is ordinary configuration code: constants, environment lookups, a few helpers.
"""

import logging
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("SHOP_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("SHOP_SECRET_KEY", "")
ALLOWED_HOSTS = [h for h in os.environ.get("SHOP_HOSTS", "localhost").split(",") if h]

INSTALLED_APPS = [
    "shop.catalogue",
    "shop.basket",
    "shop.checkout",
    "shop.payments",
    "shop.accounts",
    "shop.search",
    "shop.reports",
]

MIDDLEWARE = [
    "shop.middleware.SecurityHeaders",
    "shop.middleware.RequestId",
    "shop.middleware.Sessions",
    "shop.middleware.Csrf",
    "shop.middleware.Authentication",
    "shop.middleware.Messages",
]

DATABASES = {
    "default": {
        "ENGINE": "postgresql",
        "NAME": os.environ.get("SHOP_DB_NAME", "shop"),
        "USER": os.environ.get("SHOP_DB_USER", "shop"),
        "PASSWORD": os.environ.get("SHOP_DB_PASSWORD", ""),
        "HOST": os.environ.get("SHOP_DB_HOST", "127.0.0.1"),
        "PORT": int(os.environ.get("SHOP_DB_PORT", "5432")),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 5, "sslmode": "prefer"},
    },
    "reporting": {
        "ENGINE": "postgresql",
        "NAME": "shop_reports",
        "HOST": os.environ.get("SHOP_REPORTS_HOST", "127.0.0.1"),
        "PORT": 5432,
    },
}

CACHES = {
    "default": {
        "BACKEND": "redis",
        "LOCATION": os.environ.get("SHOP_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "TIMEOUT": 300,
        "KEY_PREFIX": "shop",
    }
}

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch"), ("fr", "Français"), ("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 14 * 24 * 3600
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

PASSWORD_HASHERS = ["argon2", "pbkdf2_sha256"]
PASSWORD_MIN_LENGTH = 12
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

PAYMENT_PROVIDERS = {
    "card": {"timeout": 10, "retries": 2, "sandbox": DEBUG},
    "invoice": {"timeout": 30, "retries": 0, "sandbox": DEBUG},
    "wallet": {"timeout": 10, "retries": 1, "sandbox": DEBUG},
}

SEARCH = {
    "backend": "opensearch",
    "hosts": os.environ.get("SHOP_SEARCH_HOSTS", "http://127.0.0.1:9200").split(","),
    "index_prefix": "shop",
    "page_size": 24,
}

EMAIL_HOST = os.environ.get("SHOP_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SHOP_SMTP_PORT", "25"))
EMAIL_USE_TLS = EMAIL_PORT == 587
DEFAULT_FROM_EMAIL = "orders@shop.example"
SERVER_EMAIL = "alerts@shop.example"
ADMINS = [("Operations", "ops@shop.example")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "DEBUG" if DEBUG else "INFO"},
    "loggers": {
        "shop.payments": {"level": "INFO", "propagate": True},
        "shop.search": {"level": "WARNING", "propagate": True},
    },
}


def env_list(name, default=()):
    """A comma-separated environment variable as a list of stripped, non-empty items."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def feature_flags():
    """Feature switches, on by default in development."""
    flags = {
        "new_checkout": DEBUG,
        "wallet_payments": False,
        "search_suggestions": True,
        "gift_cards": DEBUG,
    }
    for name in env_list("SHOP_FEATURES_ON"):
        flags[name] = True
    for name in env_list("SHOP_FEATURES_OFF"):
        flags[name] = False
    return flags


def configure_logging():
    """Applies LOGGING and lowers noisy third-party loggers."""
    import logging.config

    logging.config.dictConfig(LOGGING)
    for noisy in ("urllib3", "botocore", "elastic_transport"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


FEATURES = feature_flags()
