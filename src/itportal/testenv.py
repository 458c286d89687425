"""Test-run environment, loaded by pytest as a plugin (`-p itportal.testenv`) before pytest-django
reads the settings: production-like settings with a throwaway key and fast hashing."""

import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itportal.settings")
os.environ.setdefault(
    "ITPORTAL_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("ITPORTAL_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("ITPORTAL_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("ITPORTAL_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ITPORTAL_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("ITPORTAL_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("ITPORTAL_SECURE_COOKIES", "0")
os.environ.setdefault("ITPORTAL_STATIC_MANIFEST", "0")
# Uploaded files (ticket attachments) go to a throwaway directory, never to var/media.
os.environ.setdefault("ITPORTAL_MEDIA_ROOT", tempfile.mkdtemp(prefix="itportal-test-media-"))
# Tests assert English messages; the Swedish default is tested explicitly (test_i18n).
os.environ.setdefault("ITPORTAL_LANGUAGE", "en")
