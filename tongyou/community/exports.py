"""The volunteers in the data items the national volunteer service information system records
(《志愿服务条例》 Art. 19; 全国志愿服务信息系统): identity, contact, skills, area, and the hours
confirmed — for the civil-affairs office to upload. Full ID numbers: the upload needs them, so
the export is for the pool's keepers only and audited (views.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from tongyou.core.exports import workbook_bytes

from .activities import confirmed_hours

if TYPE_CHECKING:
    from tongyou.accounts.models import User

HEADERS = [
    "姓名",
    "证件类型",
    "证件号码",
    "性别",
    "出生日期",
    "国籍",
    "联系电话",
    "服务技能",
    "所在地区",
    "志愿服务时长（小时）",
    "状态",
]


def volunteers_workbook(persons: QuerySet[Any], user: User) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "志愿者"
    sheet.append([f"志愿者信息（{user.get_username()} 于 {timezone.localtime():%Y-%m-%d %H:%M} 导出）"])
    sheet.append(HEADERS)
    for person in persons.select_related("region"):
        sheet.append(
            [
                person.name,
                "居民身份证",
                person.id_number,
                "男" if int(person.id_number[16]) % 2 else "女",
                person.birth_date.isoformat(),
                "中国",
                person.phone,
                person.skills,
                person.region.name,
                float(confirmed_hours(person)),
                person.get_status_display(),
            ]
        )
    return workbook_bytes(book)
