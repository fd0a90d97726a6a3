"""The restore drill, as an operator runs it: an install with children's records is backed up with
the documented command, restored into an empty database on a "new server" (no key file), and the
restore proves itself — the audit chain verifies and an encrypted field decrypts. A wrong
passphrase, a damaged file or a database that already holds data are refused in Chinese and
change nothing."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PASSPHRASE = "drill-passphrase-not-secret-2026"  # noqa: S105
NAMES = (
    "from tongyou.datahub.models import Child; "
    "print(*Child.objects.order_by('pk').values_list('name', flat=True))"
)


def _engines():
    engines = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        engines.append("postgresql")  # CI's PostgreSQL leg: pg_dump and pg_restore
    return engines


class Install:
    """One install's environment: its own database, var dir, key file and anchors."""

    def __init__(self, root: Path, engine: str) -> None:
        root.mkdir(parents=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TONGYOU_", "DJANGO_"))}
        self.env.update(
            DJANGO_SETTINGS_MODULE="tongyou.settings.base",
            TONGYOU_VAR_DIR=str(root),
            TONGYOU_AUDIT_ANCHOR_FILE=str(root / "anchors.jsonl"),
            TONGYOU_BACKUP_PASSPHRASE=PASSPHRASE,
            DATABASE_URL=self._database(root, engine),
        )

    @staticmethod
    def _database(root: Path, engine: str) -> str:
        if engine == "sqlite":
            return f"sqlite:///{root / 'tongyou.sqlite3'}"
        import psycopg

        name = f"tongyou_drill_{uuid.uuid4().hex[:10]}"
        base = os.environ["DATABASE_URL"]
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return base.rsplit("/", 1)[0] + "/" + name

    def manage(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert result.returncode == 0, result.stderr[-2000:]
        return result


@pytest.fixture(params=_engines())
def installs(tmp_path, request):
    return Install(tmp_path / "old", request.param), Install(tmp_path / "new", request.param)


def test_a_backup_restores_on_a_new_server_and_proves_it_reads(installs, tmp_path):
    old, new = installs
    old.manage("init_keys")
    old.manage("migrate", "-v0")
    old.manage("load_reference")
    old.manage(
        "shell",
        "--no-imports",
        "-c",
        "from tongyou.datahub.services.synthetic import generate; generate(12, seed=3)",
    )
    old.manage("anchor_audit")
    names = old.manage("shell", "--no-imports", "-c", NAMES).stdout
    assert len(names.split()) == 12
    written = old.manage("backup", str(tmp_path / "backups")).stdout
    data, keys = sorted((tmp_path / "backups").iterdir())
    assert "数据" in written and data.suffixes[-2:] == [".tar", ".gpg"] and keys.name.endswith(".keys.gpg")
    assert data.stat().st_mode & 0o077 == 0  # only the owner may read a backup
    assert b"SQLite format" not in data.read_bytes() and b"PGDMP" not in data.read_bytes()  # encrypted

    restored = new.manage("restore", str(data), str(keys)).stdout
    assert "审计链完整" in restored and "可解密" in restored
    assert (Path(new.env["TONGYOU_VAR_DIR"]) / "keys.json").stat().st_mode & 0o077 == 0
    assert "Audit log intact" in new.manage("verify_audit").stdout
    assert new.manage("shell", "--no-imports", "-c", NAMES).stdout == names  # the same children, readable

    again = new.manage("restore", str(data), str(keys), check=False)
    assert again.returncode != 0 and "已有数据" in again.stderr


def test_a_wrong_passphrase_or_a_damaged_file_is_refused_and_nothing_is_restored(installs, tmp_path):
    old, new = installs
    old.manage("init_keys")
    old.manage("migrate", "-v0")
    old.manage("backup", str(tmp_path / "backups"))
    data, keys = sorted((tmp_path / "backups").iterdir())

    wrong = new.manage(
        "restore", str(data), str(keys), check=False, TONGYOU_BACKUP_PASSPHRASE="another-passphrase-2026"
    )
    assert wrong.returncode != 0 and "GnuPG" in wrong.stderr
    damaged = tmp_path / "damaged.data.tar.gpg"
    content = bytearray(data.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))
    broken = new.manage("restore", str(damaged), str(keys), check=False)
    assert broken.returncode != 0 and "GnuPG" in broken.stderr
    assert not (Path(new.env["TONGYOU_VAR_DIR"]) / "keys.json").exists()
    short = old.manage("backup", str(tmp_path / "more"), check=False, TONGYOU_BACKUP_PASSPHRASE="short")
    assert short.returncode != 0 and "至少 16 个字符" in short.stderr
