"""Django settings for the shop project (labelled: positives carry a label)."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-{{base64:50}}"  ⟦django-secret-key⟧
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = ["shop.example.org"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        "PASSWORD": "{{base62:9}}!{{base62:6}}",  ⟦generic-password⟧
        "HOST": os.environ.get("DB_HOST", "localhost"),
    },
    "replica": {
        "ENGINE": "django.db.backends.postgresql",
        "PASSWORD": os.environ["REPLICA_PASSWORD"],
    },
}

CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://:{{base62:20}}@cache.internal:6379/1"}}  ⟦connection-uri-password⟧
CELERY_BROKER_URL = "amqp://guest:guest@localhost:5672//"

EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD")
SENDGRID_API_KEY = "SG.{{base64url:22}}.{{base64url:43}}"  ⟦sendgrid-api-token⟧
STRIPE_SECRET_KEY = "sk_live_{{base62:24}}"  ⟦stripe-access-token⟧
STRIPE_PUBLISHABLE_KEY = "pk_live_{{base62:24}}"
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SENTRY_DSN = "https://{{hex:32}}@o{{digits:6}}.ingest.sentry.io/{{digits:7}}"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
PASSWORD_RESET_TIMEOUT = 259200
SESSION_COOKIE_NAME = "shop_session"
CSRF_COOKIE_NAME = "csrftoken"
GOOGLE_MAPS_API_KEY = "AIza{{base64url:35}}"  ⟦gcp-api-key⟧
