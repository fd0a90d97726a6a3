"""No plaintext ID number in the database file: a real SQLite file, written by the real
commands in a separate process, searched byte by byte."""

import os
import subprocess
import sys

from django.conf import settings

ID = "150104201108150022"
NAME = "测试儿童"

SCRIPT = f"""
from tongyou.regions.services import load_regions
from tongyou.datahub.models import Child, Guardian
from tongyou.regions.models import Region
load_regions()
child = Child.objects.create(name="{NAME}", sex="2", birth_date="2011-08-15", id_number="{ID}",
                             residence_region=Region.objects.get(code="150104001001001"))
Guardian.objects.create(child=child, name="监护人", relationship="52", phone="13712345678")
"""


def test_sqlite_file_holds_no_plaintext_name_id_number_or_phone(tmp_path):
    db = tmp_path / "tongyou.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "tongyou.settings.test"}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "shell", "-c", SCRIPT], env=env, check=True)
    contents = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"2011-08-15" in contents  # the record was written
    assert NAME.encode() not in contents and "监护人".encode() not in contents
    assert ID.encode() not in contents
    assert b"13712345678" not in contents
