"""The first account of a real install: a security administrator, who then approves every other
account (accounts/access.py). Asked for interactively; `--no-input` reads the password from
TONGYOU_ADMIN_PASSWORD (for an automated install). Refused once a security administrator exists:
further accounts are made in the admin site, where the grant is approved and audited."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tongyou.accounts.models import Unit, User
from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.regions.models import Region


class Command(BaseCommand):
    help = "Create the first security administrator of a real install (asks for the password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="login name (asked for if not given)")
        parser.add_argument("--family-name", default="", help="姓")
        parser.add_argument("--given-name", default="", help="名")
        parser.add_argument("--unit", default="dsj", help="the unit's code (default dsj, 区大数据服务中心)")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="do not ask: the password comes from TONGYOU_ADMIN_PASSWORD",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(role=Role.SECURITY_ADMIN, is_active=True).exists():
            raise CommandError("已有安全管理员：其他账号请由安全管理员在管理后台创建并批准。")
        district = Region.objects.filter(level=Region.Level.DISTRICT).first()
        unit = Unit.objects.filter(code=options["unit"]).first()
        if district is None or unit is None:
            raise CommandError("请先运行 `manage.py load_reference` 装入区划和单位。")
        username = options["username"] or ("" if options["no_input"] else input("用户名: ").strip())
        if not username:
            raise CommandError("需要用户名（--username）。")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名 {username} 已被使用。")
        password = self._password(options["no_input"])
        user = User(
            username=username,
            role=Role.SECURITY_ADMIN,
            unit=unit,
            jurisdiction=district,
            last_name=options["family_name"],
            first_name=options["given_name"],
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(exc.messages)) from exc
        user.set_password(password)
        with transaction.atomic():
            user.approved_grant = user.grant  # nobody else exists yet to approve the first one
            user.save()
            record(AuditEntry.Action.CREATE, obj=user, details={"first_security_admin": True})
        self.stdout.write(
            self.style.SUCCESS(f"安全管理员 {username} 已创建；首次登录时须绑定动态口令（TOTP）。")
        )

    def _password(self, no_input: bool) -> str:
        if no_input:
            password = os.environ.get("TONGYOU_ADMIN_PASSWORD", "")
            if not password:
                raise CommandError("--no-input 需要环境变量 TONGYOU_ADMIN_PASSWORD。")
            return password
        password = getpass.getpass("密码: ")
        if password != getpass.getpass("再次输入密码: "):
            raise CommandError("两次输入的密码不一致。")
        return password
