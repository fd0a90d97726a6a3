"""Settings for the test suite: fast hashing, a fixed throwaway key ring."""

import base64
import json
import os
import tempfile
import uuid

from .base import *  # noqa: F403
from .base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
# Test keys live in the environment, never in the database; tests that rotate
# keys replace this variable.
os.environ.setdefault(
    "TONGYOU_KEYS",
    json.dumps(
        {
            "active": "test-aes",
            "keys": {
                "test-aes": {"alg": "aes-256-gcm", "key": base64.b64encode(b"A" * 32).decode()},
                "test-sm4": {"alg": "sm4-gcm", "key": base64.b64encode(b"S" * 16).decode()},
            },
            "blind_index_key": base64.b64encode(b"B" * 32).decode(),
        }
    ),
)
TONGYOU_KEY_FILE = str(BASE_DIR / "var" / "no-such-key-file.json")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A run's own anchor file (none exists until a test anchors): the demo's anchors in var/ must not
# be held against the test database.
AUDIT_ANCHOR_FILE = os.path.join(tempfile.gettempdir(), f"tongyou-test-anchors-{uuid.uuid4().hex}.jsonl")

IMPORT_IN_BACKGROUND = False
DATAHUB_STATISTICS_READ_IN_BACKGROUND = False

# The browser leg runs a live server whose background import thread writes while page requests
# write sessions: an in-memory SQLite database refuses concurrent writers at once, a file waits
# (as the embedded deployment does). `make test-browser` sets this.
if os.environ.get("TONGYOU_TEST_DB_FILE") and DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TONGYOU_TEST_DB_FILE"]}  # noqa: F405

# A topic prefix of this run's own: two test runs sharing the machine's broker (CI and a developer)
# must not receive each other's alerts.
_RUN = uuid.uuid4().hex[:8]
MQTT_TOPIC_PREFIX = f"tongyou-test-{_RUN}/alerts/cell"
MQTT_DRILL_TOPIC_PREFIX = f"tongyou-test-{_RUN}/drills/cell"
