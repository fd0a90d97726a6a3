"""The district's consolidated annual report (年度进展报告), as Word and as PDF, in Chinese.

Both files are built from one `ReportData`: the plan's areas and tasks with the units' accepted
reports, and the indicator table with targets and traffic lights, plus a bar chart of the
indicators' attainment drawn with Pillow. The PDF embeds a CJK font (fpdf2 subsets it), found
by `cjk_font()`: the setting TONGYOU_PDF_FONT, else a font the system has. Without one the PDF
cannot be made, and the page says so; the Word file needs no font on the server."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image, ImageDraw, ImageFont

from tongyou.core.documents import FontMissing, cjk_font, wrap
from tongyou.core.registry import registry

from . import values
from .models import Indicator, ProgressReport

if TYPE_CHECKING:
    from tongyou.monitoring.models import ReportingRound

LIGHT_COLOURS = {
    "green": (47, 158, 68),
    "amber": (240, 140, 0),
    "red": (224, 49, 49),
    "grey": (173, 181, 189),
    "untargeted": (173, 181, 189),
}
LIGHT_WORDS = {"green": "达标", "amber": "接近", "red": "未达标", "grey": "无数据", "untargeted": "无目标值"}


@dataclass
class TaskRow:
    label: str
    title: str
    lead: str
    participating: str
    reports: list = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # units that owe a report not accepted yet
    facts: list[str] = field(default_factory=list)  # what the platform's own records show


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
    area: str = ""  # the plan area its first task belongs to
    gap: str = "—"  # how far from the target, in the indicator's unit
    source: str = ""  # the units the figure comes from


@dataclass
class ReportData:
    title: str
    period: str
    generated: str
    areas: list
    indicators: list
    summary: dict
    addressee: str = "区人民政府"
    issuer: str = "玉泉区妇女儿童工作委员会办公室"
    issued_on: str = ""  # 成文日期, "2026年12月1日"
    problems: str = ""
    next_steps: str = ""
    # The streets' own figures of the indicators computed by street: (column headings, rows).
    streets: tuple[list[str], list[list[str]]] = field(default_factory=lambda: ([], []))

    def indicator_groups(self) -> list[tuple[str, list[IndicatorRow]]]:
        groups: dict[str, list[IndicatorRow]] = {}
        for row in self.indicators:
            groups.setdefault(row.area or "其他", []).append(row)
        return list(groups.items())


STREET_COLUMNS = 6  # indicators in the street table: a page's width


def street_breakdown(reporting_round: ReportingRound, district: Any) -> tuple[list[str], list[list[str]]]:
    """Each street's and town's figures for the indicators computed down to streets (the first
    few by code): an official document, so counts of too few persons read "<5" as everywhere."""
    from tongyou.core import disclosure
    from tongyou.regions.models import Region

    from .dashboards import hidden_from
    from .models import IndicatorValue

    streets = list(Region.objects.filter(parent=district, level=Region.Level.STREET).order_by("code"))
    found = IndicatorValue.objects.filter(
        period=reporting_round.period, region__in=streets, state=IndicatorValue.State.ACCEPTED
    ).select_related("indicator")
    by_cell = {(v.indicator_id, v.region_id): v for v in found.order_by("-source")}  # computed wins
    indicators = sorted({v.indicator for v in found}, key=lambda i: i.code)[:STREET_COLUMNS]
    if not indicators:
        return [], []
    rows = []
    for street in streets:
        cells = [street.name]
        for indicator in indicators:
            value = by_cell.get((indicator.pk, street.pk))
            if value is None or value.value is None:
                cells.append("—")
            elif hidden_from(disclosure.PROTECTED, value):
                cells.append("<5")
            else:
                cells.append(f"{value.value.normalize():f}{indicator.unit if indicator.unit == '%' else ''}")
        rows.append(cells)
    return ["街道（镇）", *(f"{i.code} {i.name}" for i in indicators)], rows


def gap_text(value: Any, target: Any) -> str:
    """How far a value is from its target, in its own unit ("达到" once met)."""
    if value is None or target is None:
        return "—"
    if target.is_met(value):
        return "达到"
    return f"差{abs(target.value - value).normalize():f}"


def target_text(target: Any) -> str:
    if target is None:
        return "—"
    return f"{target.get_comparator_display()}{target.value.normalize():f}（{target.year or '—'}）"


def collect(reporting_round: ReportingRound, district: Any) -> ReportData:
    """Everything the report says, from accepted reports and accepted values only."""
    from tongyou.accounts.models import Unit

    from .reports import owed_reports

    plan = reporting_round.plan
    accepted = ProgressReport.objects.filter(round=reporting_round, state=ProgressReport.State.ACCEPTED)
    by_task: dict[int, list] = {}
    for report in accepted.select_related("unit").order_by("unit__code"):
        by_task.setdefault(report.task_id, []).append(report)
    owed: dict[int, set[int]] = {}
    for unit_id, task_id in owed_reports(reporting_round):
        owed.setdefault(task_id, set()).add(unit_id)
    unit_names = dict(Unit.objects.values_list("pk", "name"))
    areas = []
    area_of_task: dict[int, str] = {}
    for area in plan.areas.prefetch_related("tasks"):
        rows = []
        for task in area.tasks.all():
            reported = {r.unit_id for r in by_task.get(task.pk, [])}
            area_of_task[task.pk] = f"{area.chinese_number}、{area.title}"
            rows.append(
                TaskRow(
                    label=f"（{area.chinese_number}）{task.number}",
                    title=task.title,
                    lead=task.lead_units_text,
                    participating=task.participating_units_text,
                    reports=by_task.get(task.pk, []),
                    missing=sorted(unit_names[u] for u in owed.get(task.pk, set()) - reported),
                    facts=registry.facts_for(f"{area.number}.{task.number}", reporting_round.year),
                )
            )
        areas.append((f"（{area.chinese_number}）{area.title}", rows))
    indicators = []
    for indicator in Indicator.objects.prefetch_related("targets", "tasks").order_by("code"):
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
                area=next((area_of_task[t.pk] for t in indicator.tasks.all() if t.pk in area_of_task), ""),
                gap=gap_text(value, target),
                source=indicator.source_units_text,
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
    today = timezone.localdate()
    streets = street_breakdown(reporting_round, district)
    return ReportData(
        streets=streets,
        title=f"关于{plan.official_title}{reporting_round.period}年度实施情况的报告",
        issued_on=f"{today.year}年{today.month}月{today.day}日",
        problems=reporting_round.problems,
        next_steps=reporting_round.next_steps,
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


def _paragraphs(data: ReportData) -> list[tuple[str, str]]:
    """The report's text as (kind, text) in reading order, the same for Word and PDF: kinds are
    title, addressee, heading, subheading, body, signature, date."""
    summary = data.summary
    out: list[tuple[str, str]] = [("title", data.title), ("addressee", f"{data.addressee}：")]
    out.append(("heading", "一、总体情况"))
    out.append(
        (
            "body",
            f"{data.period}年，方案{summary['tasks']}项建设任务中，各责任单位报送并经审核通过的进展报告"
            f"{summary['accepted_reports']}份"
            + (
                "（" + "，".join(f"{k}{v}份" for k, v in summary["progress"].items()) + "）"
                if summary["progress"]
                else ""
            )
            + "。监测指标中，"
            + "，".join(f"{k}{v}项" for k, v in summary["lights"].items() if v)
            + "。",
        )
    )
    out.append(("heading", "二、主要成效"))
    for area_title, rows in data.areas:
        out.append(("subheading", area_title))
        for row in rows:
            out.append(("body", f"{row.label}{row.title}。牵头单位：{row.lead.rstrip('。；，')}。"))
            for report in row.reports:  # the unit's words as written, ended once
                out.append(
                    (
                        "body",
                        f"{report.unit.name}（{report.get_progress_display()}）："
                        f"{report.narrative.strip().rstrip('。；，')}。",
                    )
                )
            for fact in row.facts:
                out.append(("body", f"平台记录：{fact.rstrip('。')}。"))
            if row.missing:
                out.append(("body", "尚未报送或未通过审核：" + "、".join(row.missing) + "。"))
    out.append(("heading", "三、监测指标"))
    out.append(
        (
            "body",
            "各项指标的目标值、本期值、差距及数据来源见附表一（按建设领域分组），各街道（镇）情况见附表二。",
        )
    )
    for heading, text in (("四、存在问题", data.problems), ("五、下一步工作", data.next_steps)):
        out.append(("heading", heading))
        for part in (text.strip() or "（由区妇儿工委办公室在报送期内填写）").splitlines():
            if part.strip():
                out.append(("body", part.strip()))
    out.append(("signature", data.issuer))
    out.append(("date", data.issued_on))
    return out


INDICATOR_COLUMNS = ["编码", "指标", "目标", "本期值", "差距", "评价", "数据来源", "数据截至"]


def _indicator_cells(row: IndicatorRow) -> list[str]:
    return [
        row.code,
        row.name,
        row.target,
        f"{row.value} {row.unit}".strip(),
        row.gap,
        LIGHT_WORDS[row.light],
        row.source,
        row.as_of,
    ]


def as_docx(data: Any, chart: Any = None) -> bytes:
    """GB/T 9704 conventions on A4: title 22 pt centred, the addressee, body 16 pt, headings in
    the 黑体 style, the issuing office and the date at the right, page numbers "— 1 —" below;
    East-Asian line breaking (避头尾) on for every paragraph."""
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "FangSong", Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    kinsoku = OxmlElement("w:kinsoku")
    kinsoku.set(qn("w:val"), "1")
    style.element.get_or_add_pPr().append(kinsoku)

    def add(text: str, size: int = 16, font: str = "仿宋", align: Any = None, indent: bool = False) -> None:
        paragraph = document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.font.name = font
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    for kind, text in _paragraphs(data):
        if kind == "title":
            add(text, 22, "方正小标宋简体", WD_ALIGN_PARAGRAPH.CENTER)
        elif kind == "heading":
            add(text, 16, "黑体")
        elif kind == "subheading":
            add(text, 16, "楷体")
        elif kind in ("signature", "date"):
            add(text, 16, "仿宋", WD_ALIGN_PARAGRAPH.RIGHT)
        elif kind == "addressee":
            add(text)
        else:
            add(text, indent=True)
            if text.startswith("各项指标") and chart:
                document.add_picture(io.BytesIO(chart), width=Cm(15))
    document.add_section(WD_SECTION.NEW_PAGE)
    add("附表一：监测指标（按建设领域分组）", 16, "黑体")
    for area, rows in data.indicator_groups():
        add(area, 14, "楷体")
        table = document.add_table(rows=1, cols=len(INDICATOR_COLUMNS))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, INDICATOR_COLUMNS, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, _indicator_cells(row), strict=True):
                cell.text = text
    columns, street_rows = data.streets
    if street_rows:
        add("附表二：各街道（镇）主要指标", 16, "黑体")
        table = document.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, columns, strict=True):
            cell.text = text
        for street_row in street_rows:
            for cell, text in zip(table.add_row().cells, street_row, strict=True):
                cell.text = text
    for each in document.sections:
        footer = each.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("— ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        footer._p.append(field)
        footer.add_run(" —")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _GovernmentPdf(FPDF):
    def footer(self) -> None:
        self.set_y(-20)
        self.set_font("cjk", size=14)
        self.cell(0, 8, f"— {self.page_no()} —", align="C")


def as_pdf(data: Any, chart: Any = None, font: Any = None) -> bytes:
    """The same content as the Word file, on A4 with GB/T 9704 margins and page numbers, every
    paragraph broken by `wrap` (避头尾)."""
    font = font or cjk_font()
    pdf = _GovernmentPdf(format="A4")
    pdf.set_margins(28, 37, 26)
    pdf.set_auto_page_break(auto=True, margin=35)
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_title(data.title)
    pdf.add_page()
    usable = pdf.w - pdf.l_margin - pdf.r_margin

    def lines(text: str, size: float, align: str = "L", indent: bool = False) -> None:
        pdf.set_font("cjk", size=size)
        height = size * 0.353 * 1.6  # pt to mm, at 1.6 line spacing
        first = "　　" if indent else ""
        for line in wrap(pdf.get_string_width, first + text, usable):
            pdf.cell(usable, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    for kind, text in _paragraphs(data):
        if kind == "title":
            lines(text, 22, "C")
            pdf.ln(4)
        elif kind in ("heading", "subheading"):
            lines(text, 16)
        elif kind in ("signature", "date"):
            if kind == "signature":
                pdf.ln(8)
            lines(text, 16, "R")
        elif kind == "addressee":
            lines(text, 16)
        else:
            lines(text, 16, indent=True)
            if text.startswith("各项指标") and chart:
                pdf.image(io.BytesIO(chart), w=150)
    pdf.add_page()
    lines("附表一：监测指标（按建设领域分组）", 16)
    headings = FontFace(emphasis="", fill_color=(233, 236, 239))
    widths = (12, 44, 22, 18, 14, 12, 22, 14)
    scale = usable / sum(widths)

    def cells(texts: list[str]) -> list[str]:
        # Broken here, by the same rules, so the table never starts a line with a mark either.
        return [
            "\n".join(wrap(pdf.get_string_width, text, w * scale - 3))
            for text, w in zip(texts, widths, strict=True)
        ]

    for area, rows in data.indicator_groups():
        lines(area, 12)
        pdf.set_font("cjk", size=8)
        with pdf.table(col_widths=widths, text_align="LEFT", headings_style=headings) as table:
            table.row(cells(INDICATOR_COLUMNS))
            for row in rows:
                table.row(cells(_indicator_cells(row)))
        pdf.ln(3)
    columns, street_rows = data.streets
    if street_rows:
        lines("附表二：各街道（镇）主要指标", 16)
        pdf.set_font("cjk", size=8)
        share = usable / len(columns)

        def street_cells(texts: list[str]) -> list[str]:
            return ["\n".join(wrap(pdf.get_string_width, text, share - 3)) for text in texts]

        with pdf.table(text_align="LEFT", headings_style=headings) as table:
            table.row(street_cells(columns))
            for street_row in street_rows:
                table.row(street_cells(street_row))
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
