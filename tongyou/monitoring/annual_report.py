"""The district's consolidated annual report (年度进展报告), as Word and as PDF, in Chinese.

Both files are built from one `ReportData`: the plan's areas and tasks with the units' accepted
reports, and the indicator table with targets and traffic lights, plus a bar chart of the
indicators' attainment drawn with Pillow. The PDF embeds a CJK font (fpdf2 subsets it), found
by `cjk_font()`: the setting TONGYOU_PDF_FONT, else a font the system has. Without one the PDF
cannot be made, and the page says so; the Word file needs no font on the server."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image, ImageDraw, ImageFont

from . import values
from .models import Indicator, ProgressReport

if TYPE_CHECKING:
    from tongyou.monitoring.models import ReportingRound

# Fonts a server commonly has: Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-zenhei, fonts-droid-fallback),
# Windows and macOS. (path, index in a font collection)
FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
]
LIGHT_COLOURS = {
    "green": (47, 158, 68),
    "amber": (240, 140, 0),
    "red": (224, 49, 49),
    "grey": (173, 181, 189),
    "untargeted": (173, 181, 189),
}
LIGHT_WORDS = {"green": "达标", "amber": "接近", "red": "未达标", "grey": "无数据", "untargeted": "无目标值"}


class FontMissing(RuntimeError):
    pass


def cjk_font() -> tuple[str, int] | tuple:
    """(path, collection index) of a font with Chinese glyphs."""
    configured = getattr(settings, "TONGYOU_PDF_FONT", "")
    if configured:
        path, _sep, index = configured.partition("#")
        return path, int(index or 0)
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            return path, index
    raise FontMissing(
        _("No Chinese font was found for the PDF: install fonts-noto-cjk or set TONGYOU_PDF_FONT.")
    )


@dataclass
class TaskRow:
    label: str
    title: str
    lead: str
    participating: str
    reports: list = field(default_factory=list)


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    target: str
    value: str
    light: str
    attainment: float | None
    as_of: str = ""  # when the value was computed or accepted


@dataclass
class ReportData:
    title: str
    period: str
    generated: str
    areas: list
    indicators: list
    summary: dict


def target_text(target: Any) -> str:
    if target is None:
        return "—"
    return f"{target.get_comparator_display()}{target.value.normalize():f}（{target.year or '—'}）"


def collect(reporting_round: ReportingRound, district: Any) -> ReportData:
    """Everything the report says, from accepted reports and accepted values only."""
    plan = reporting_round.plan
    accepted = ProgressReport.objects.filter(round=reporting_round, state=ProgressReport.State.ACCEPTED)
    by_task: dict[int, list] = {}
    for report in accepted.select_related("unit").order_by("unit__code"):
        by_task.setdefault(report.task_id, []).append(report)
    areas = []
    for area in plan.areas.prefetch_related("tasks"):
        rows = [
            TaskRow(
                label=f"（{area.chinese_number}）{task.number}",
                title=task.title,
                lead=task.lead_units_text,
                participating=task.participating_units_text,
                reports=by_task.get(task.pk, []),
            )
            for task in area.tasks.all()
        ]
        areas.append((f"（{area.chinese_number}）{area.title}", rows))
    indicators = []
    for indicator in Indicator.objects.prefetch_related("targets"):
        found = values.best_value(indicator, reporting_round.period, district)
        value = found.value if found else None
        colour, target = values.light(indicator, value, reporting_round.year)
        if value is not None and target is None:
            colour = "untargeted"  # a value the plan sets no target for: not "no data"
        attainment = None
        if value is not None and target is not None and target.value:
            if target.comparator == ">=":
                ratio = float(value / target.value)
            else:
                ratio = 1.0 if value <= target.value else float(target.value / value)
            attainment = max(0.0, min(ratio, 1.0)) * 100
        indicators.append(
            IndicatorRow(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                target=target_text(target),
                value=f"{value.normalize():f}" if value is not None else "—",
                light=colour,
                attainment=attainment,
                as_of=f"{timezone.localtime(found.updated_at):%Y-%m-%d}" if found else "",
            )
        )
    counts: dict[str, int] = {}
    for report in accepted:
        counts[report.progress] = counts.get(report.progress, 0) + 1
    summary = {
        "tasks": sum(len(rows) for _title, rows in areas),
        "accepted_reports": accepted.count(),
        "progress": {ProgressReport.Progress(k).label: v for k, v in counts.items() if k},
        "lights": {LIGHT_WORDS[c]: sum(1 for i in indicators if i.light == c) for c in LIGHT_COLOURS},
    }
    return ReportData(
        title=_("%(plan)s: progress report for %(period)s")
        % {"plan": plan.title, "period": reporting_round.period},
        period=reporting_round.period,
        generated=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        areas=areas,
        indicators=indicators,
        summary=summary,
    )


def attainment_chart(data: Any, font: Any) -> bytes:
    """A PNG bar chart: each indicator with a value and a target, its attainment (0–100%)."""
    rows = [i for i in data.indicators if i.attainment is not None]
    width, bar_left, row_height = 1400, 520, 34
    height = 90 + row_height * max(len(rows), 1)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.truetype(font[0], 30, index=font[1])
    label_font = ImageFont.truetype(font[0], 20, index=font[1])
    draw.text((20, 20), "指标达成度（实际值 / 目标值）", fill="black", font=title_font)
    scale = (width - bar_left - 120) / 100
    for n, row in enumerate(rows):
        top = 80 + n * row_height
        draw.text((20, top + 4), f"{row.code} {row.name}"[:22], fill="black", font=label_font)
        draw.rectangle(
            (bar_left, top + 6, bar_left + row.attainment * scale, top + row_height - 6),
            fill=LIGHT_COLOURS[row.light],
        )
        draw.text(
            (bar_left + row.attainment * scale + 8, top + 4),
            f"{row.attainment:.0f}%",
            fill="black",
            font=label_font,
        )
    if not rows:
        draw.text((20, 90), "暂无可比较的指标数据", fill="black", font=label_font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def as_docx(data: Any, chart: Any = None) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(11)
    # East-Asian text takes the eastAsia font, not the Latin one.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.add_heading(data.title, level=0)
    document.add_paragraph(f"生成时间：{data.generated}")
    document.add_heading("一、总体情况", level=1)
    summary = data.summary
    document.add_paragraph(
        f"方案共{summary['tasks']}项建设任务，已审核通过的单位进展报告{summary['accepted_reports']}份。"
        + "；".join(f"{k}{v}份" for k, v in summary["progress"].items())
    )
    document.add_paragraph("指标情况：" + "，".join(f"{k}{v}项" for k, v in summary["lights"].items()) + "。")
    if chart:
        document.add_picture(io.BytesIO(chart), width=Cm(16))
    document.add_heading("二、建设任务进展", level=1)
    for area_title, rows in data.areas:
        document.add_heading(area_title, level=2)
        for row in rows:
            document.add_heading(f"{row.label} {row.title}", level=3)
            document.add_paragraph(f"牵头单位：{row.lead}；参与单位：{row.participating}")
            if not row.reports:
                document.add_paragraph("（本期暂无审核通过的进展报告）")
            for report in row.reports:
                document.add_paragraph(
                    f"{report.unit.name}（{report.get_progress_display()}）：{report.narrative}"
                )
    document.add_heading("三、监测指标", level=1)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["编码", "指标", "目标", "本期值", "评价", "数据截至"], strict=True
    ):
        cell.text = text
    for row in data.indicators:
        cells = table.add_row().cells
        for cell, text in zip(
            cells,
            [row.code, row.name, row.target, f"{row.value} {row.unit}", LIGHT_WORDS[row.light], row.as_of],
            strict=True,
        ):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def as_pdf(data: Any, chart: Any = None, font: Any = None) -> bytes:
    font = font or cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_title(data.title)
    pdf.add_page()

    def heading(text: str, size: int) -> None:
        pdf.set_font("cjk", size=size)
        pdf.multi_cell(0, size * 0.6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    def paragraph(text: str) -> None:
        pdf.set_font("cjk", size=10.5)
        pdf.multi_cell(0, 6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    heading(data.title, 18)
    paragraph(f"生成时间：{data.generated}")
    heading("一、总体情况", 14)
    summary = data.summary
    paragraph(
        f"方案共{summary['tasks']}项建设任务，已审核通过的单位进展报告{summary['accepted_reports']}份。"
        + "；".join(f"{k}{v}份" for k, v in summary["progress"].items())
    )
    paragraph("指标情况：" + "，".join(f"{k}{v}项" for k, v in summary["lights"].items()) + "。")
    if chart:
        pdf.image(io.BytesIO(chart), w=180)
    heading("二、建设任务进展", 14)
    for area_title, rows in data.areas:
        heading(area_title, 12)
        for row in rows:
            paragraph(f"{row.label} {row.title}　牵头单位：{row.lead}")
            for report in row.reports:
                paragraph(f"　{report.unit.name}（{report.get_progress_display()}）：{report.narrative}")
    heading("三、监测指标", 14)
    pdf.set_font("cjk", size=9)
    # The CJK font has no bold face here: headings are shaded instead.
    headings = FontFace(emphasis="", fill_color=(233, 236, 239))
    with pdf.table(col_widths=(14, 56, 32, 28, 14, 20), text_align="LEFT", headings_style=headings) as table:
        table.row(["编码", "指标", "目标", "本期值", "评价", "数据截至"])
        for row in data.indicators:
            table.row(
                [row.code, row.name, row.target, f"{row.value} {row.unit}", LIGHT_WORDS[row.light], row.as_of]
            )
    return bytes(pdf.output())


def build(reporting_round: ReportingRound, district: Any, fmt: Any) -> tuple | tuple[bytes, str, str]:
    """(bytes, content type, file name) of the report in `fmt` ("docx" or "pdf")."""
    data = collect(reporting_round, district)
    try:
        font = cjk_font()
    except FontMissing:
        if fmt == "pdf":
            raise
        font = None
    chart = attainment_chart(data, font) if font else None
    if fmt == "pdf":
        return as_pdf(data, chart, font), "application/pdf", f"annual-report-{data.period}.pdf"
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return as_docx(data, chart), docx_type, f"annual-report-{data.period}.docx"
