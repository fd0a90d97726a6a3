"""The volunteer service certificate (志愿服务证明), free, from the confirmed hours only
(《志愿服务记录与证明出具办法（试行）》: whoever records the service certifies it), as a PDF
with the Chinese font and line breaking of core.documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tongyou.core.documents import cjk_font, wrap
from tongyou.privacy.masking import mask_id_number

from .activities import confirmed_hours, stars
from .models import Person, ServiceHours

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def certificate_pdf(person: Person, issued_by: User) -> bytes:
    font = cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_margins(28, 37, 26)
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_title("志愿服务证明")
    pdf.add_page()
    usable = pdf.w - pdf.l_margin - pdf.r_margin

    def lines(text: str, size: float, align: str = "L") -> None:
        pdf.set_font("cjk", size=size)
        for line in wrap(pdf.get_string_width, text, usable):
            pdf.cell(usable, size * 0.353 * 1.6, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    entries = list(
        ServiceHours.objects.filter(assignment__person=person, confirmed_at__isnull=False)
        .select_related("activity")
        .order_by("activity__starts_at")
    )
    total = confirmed_hours(person)
    unit = issued_by.unit.name if issued_by.unit is not None else ""
    lines("志愿服务证明", 22, "C")
    pdf.ln(6)
    lines(
        f"　　兹证明{person.name}（身份证号码{mask_id_number(person.id_number)}）参加以下志愿服务，"
        f"经组织方记录并确认，累计服务时长{total}小时"
        + (f"，达到{stars(total)}星级志愿者时长标准" if stars(total) else "")
        + "。",
        16,
    )
    pdf.ln(4)
    for entry in entries:
        day = timezone.localtime(entry.activity.starts_at).date()
        lines(
            f"　　{day.isoformat()}　{entry.activity.title}（{entry.activity.place}）　{entry.hours}小时", 14
        )
    if not entries:
        lines("　　（暂无经确认的服务记录）", 14)
    pdf.ln(10)
    lines(unit, 16, "R")
    today = timezone.localdate()
    lines(f"{today.year}年{today.month}月{today.day}日", 16, "R")
    lines("本证明免费出具。", 12)
    return bytes(pdf.output())
