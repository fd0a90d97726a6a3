"""Backups a district can restore: the database and the key ring, each encrypted, kept apart.

`backup` writes two files: the database (PostgreSQL's own `pg_dump` custom format, or a consistent
copy of the SQLite file) with the audit anchors and a manifest, as a tar archive; and the key
ring. Each is encrypted with GnuPG's symmetric AES-256 under the backup passphrase, so the
district can decrypt them with standard tools even without Tongyou; the two are meant to be stored
apart (the data is unreadable without the keys, and the keys alone hold no data).

`restore` refuses a database that already holds data, restores both, then proves the result: the
audit chain verifies against its anchors, and an encrypted field of a real record decrypts. That is
the restore drill (tests: core/tests/test_backups.py; CI's production leg on PostgreSQL)."""

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from tongyou.audit.services import verify_chain
from tongyou.privacy.fields import encrypted_fields

from .errors import Refusal

FORMAT = 1
PASSPHRASE_VARIABLE = "TONGYOU_BACKUP_PASSPHRASE"  # noqa: S105 (the variable's name)


@dataclass(frozen=True)
class BackupFiles:
    data: Path
    keys: Path


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    audit_entries: int
    decrypted_field: str  # "app.Model.field" that was read back, or "" when nothing is encrypted yet


def passphrase() -> str:
    value = os.environ.get(PASSPHRASE_VARIABLE, "")
    if len(value) < 16:
        raise Refusal(f"备份口令（环境变量 {PASSPHRASE_VARIABLE}）至少 16 个字符。")
    return value


def _tool(name: str) -> str:
    """The full path of a standard tool the backup relies on, or a refusal that names it."""
    path = shutil.which(name)
    if path is None:
        raise Refusal(f"找不到 {name}：请安装它（docs/deployment.md 列出备份所需的工具）。")
    return path


def _gpg(arguments: list[str], source: Path, target: Path, secret: str) -> None:
    """Run GnuPG with the passphrase on a pipe (never on the command line or in a file)."""
    read_end, write_end = os.pipe()
    os.write(write_end, secret.encode())
    os.close(write_end)
    try:
        subprocess.run(  # noqa: S603 (fixed arguments; the passphrase goes through a pipe)
            [
                _tool("gpg"),
                "--batch",
                "--yes",
                "--quiet",
                "--pinentry-mode",
                "loopback",
                "--passphrase-fd",
                str(read_end),
                *arguments,
                "--output",
                str(target),
                str(source),
            ],
            check=True,
            pass_fds=(read_end,),
            capture_output=True,
            env={**os.environ, "GNUPGHOME": tempfile.mkdtemp(prefix="tongyou-gpg-")},
        )
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise Refusal(f"GnuPG 失败（口令错误或文件损坏？）：{message[0]}") from exc
    finally:
        os.close(read_end)


def _encrypt(source: Path, target: Path, secret: str) -> None:
    _gpg(["--symmetric", "--cipher-algo", "AES256", "--s2k-digest-algo", "SHA512"], source, target, secret)


def _decrypt(source: Path, target: Path, secret: str) -> None:
    _gpg(["--decrypt"], source, target, secret)


def _pg_environment() -> dict[str, str]:
    db = connection.settings_dict
    environment = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            environment[variable] = str(db[key])
    return environment


def _dump_database(target: Path) -> str:
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)],
            check=True,
            env=_pg_environment(),
            capture_output=True,
        )
        return "postgresql"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)  # SQLite's online backup: consistent while in use
    return "sqlite"


def _manifest(engine: str) -> dict:
    return {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "engine": engine,
        "migrations": MigrationRecorder(connection).migration_qs.count(),
    }


def backup(directory: Path, secret: str, now: datetime.datetime | None = None) -> BackupFiles:
    """Write the encrypted data archive and the encrypted key ring into `directory`."""
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    directory.mkdir(parents=True, exist_ok=True)
    files = BackupFiles(
        data=directory / f"tongyou-{stamp}.data.tar.gpg", keys=directory / f"tongyou-{stamp}.keys.gpg"
    )
    with tempfile.TemporaryDirectory(prefix="tongyou-backup-") as work:
        work_dir = Path(work)
        dump = work_dir / "database"
        engine = _dump_database(dump)
        archive = work_dir / "data.tar"
        with tarfile.open(archive, "w") as tar:
            tar.add(dump, arcname="database")
            anchors = Path(settings.AUDIT_ANCHOR_FILE)
            if anchors.is_file():
                tar.add(anchors, arcname="audit-anchors.jsonl")
            manifest = json.dumps(_manifest(engine), ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(manifest)
            tar.addfile(info, io.BytesIO(manifest))
        _encrypt(archive, files.data, secret)
        keys = work_dir / "keys.json"
        if os.environ.get("TONGYOU_KEYS"):
            keys.write_text(os.environ["TONGYOU_KEYS"], encoding="utf-8")
        else:
            shutil.copyfile(settings.TONGYOU_KEY_FILE, keys)
        _encrypt(keys, files.keys, secret)
    for path in (files.data, files.keys):
        path.chmod(0o600)
    return files


def _database_is_empty() -> bool:
    tables = set(connection.introspection.table_names())
    if "django_migrations" not in tables:
        return True
    return not any(
        model._default_manager.exists()
        for model in apps.get_models()
        if model._meta.db_table in tables and model._meta.app_label not in ("contenttypes", "auth")
    )


def _restore_database(dump: Path, engine: str) -> None:
    if engine != connection.vendor:
        raise Refusal(f"备份来自 {engine}，当前数据库是 {connection.vendor}：请恢复到同类数据库。")
    if connection.vendor == "postgresql":
        connection.close()
        subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--clean",
                "--if-exists",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(dump),
            ],
            check=True,
            env=_pg_environment(),
            capture_output=True,
        )
        return
    connection.ensure_connection()
    with sqlite3.connect(dump) as source:
        source.backup(connection.connection)


def _restore_keys(keys: Path) -> None:
    target = Path(settings.TONGYOU_KEY_FILE)
    if os.environ.get("TONGYOU_KEYS"):
        return  # the keys come from the environment; the operator sets them from the backup
    if target.is_file():
        if target.read_bytes() != keys.read_bytes():
            raise Refusal(f"密钥文件 {target} 已存在且与备份不同：不覆盖（那会使数据无法读取）。")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(keys.read_bytes())


def _decrypts_a_field() -> str:
    """Read one encrypted value back; returns which field, or "" when nothing is encrypted yet."""
    for model, field in encrypted_fields():
        values = model._default_manager.values_list(field.attname, flat=True)[:20]
        if any(values):  # read through the field: a wrong key ring fails here
            return f"{model._meta.label}.{field.name}"
    return ""


def restore(data: Path, keys: Path, secret: str) -> RestoreReport:
    """Restore a backup into an empty database and prove it reads."""
    if not _database_is_empty():
        raise Refusal("目标数据库已有数据：恢复只能进入空数据库（先新建一个）。")
    with tempfile.TemporaryDirectory(prefix="tongyou-restore-") as work:
        work_dir = Path(work)
        _decrypt(keys, work_dir / "keys.json", secret)
        _decrypt(data, work_dir / "data.tar", secret)
        with tarfile.open(work_dir / "data.tar") as tar:
            tar.extractall(work_dir / "data", filter="data")
        manifest = json.loads((work_dir / "data" / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise Refusal("备份格式不认识：请用写出它的童友版本恢复。")
        _restore_keys(work_dir / "keys.json")
        _restore_database(work_dir / "data" / "database", manifest["engine"])
        anchors = work_dir / "data" / "audit-anchors.jsonl"
        target_anchors = Path(settings.AUDIT_ANCHOR_FILE)
        if anchors.is_file() and not target_anchors.exists():
            target_anchors.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(anchors, target_anchors)
    from tongyou.privacy.keys import reset_keyring_cache

    reset_keyring_cache()
    chain = verify_chain()
    if not chain.ok:
        raise Refusal(f"恢复后审计链校验失败（第 {chain.broken_id} 条）：{chain.reason}")
    return RestoreReport(
        tables=len(connection.introspection.table_names()),
        audit_entries=chain.checked,
        decrypted_field=_decrypts_a_field(),
    )
