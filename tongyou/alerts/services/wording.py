"""What an alert says about the child, everywhere it is said (CAP headline, SMS, push, the MQTT
payload, public and police pages): one wording, nothing invented when something is unknown, and
a drill marked 演练 in every one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tongyou.alerts.models import MissingChildCase

DRILL_MARK = "【演练】"
DRILL_NOTE = "本消息为演练，不是真实事件，请勿转发或报警。"
SEX_WORDS = {"1": "男孩", "2": "女孩"}


def mark(case: MissingChildCase) -> str:
    return DRILL_MARK if case.is_drill else ""


def child(case: MissingChildCase) -> str:
    """'小红，女孩，5岁'; unknown parts are said to be unknown, never guessed."""
    name = (case.child_name or "").strip() or "姓名不详"
    sex = SEX_WORDS.get(case.sex, "性别不详")
    age = f"{case.age}岁" if case.age is not None else "年龄不详"
    return f"{name}，{sex}，{age}"


def headline(case: MissingChildCase) -> str:
    return f"{mark(case)}儿童失踪：{child(case)}，{case.last_seen_place}"


def cancel_headline(case: MissingChildCase, outcome: str) -> str:
    return f"{mark(case)}{outcome}：{case.reference}号儿童失踪预警结束"


def sms(case: MissingChildCase, msg_type: str) -> str:
    if msg_type == "Cancel":
        return f"{mark(case)}【玉泉区】{case.reference}号儿童失踪预警已解除，感谢关注。"
    text = f"{mark(case)}【玉泉区儿童失踪预警】{child(case)}，最后出现于{case.last_seen_place}。线索请拨110。"
    return text + (DRILL_NOTE if case.is_drill else "")
