"""The sandboxed spreadsheet reader: no file, however hostile, takes the process down or comes
back as anything but rows or a Chinese reason; rows keep the spreadsheet's own numbers."""

import codecs
import io
import pickle
import zipfile

import pytest
import xlwt
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook as OpenpyxlWorkbook

from tongyou.core.spreadsheets import FileError, Workbook, _Unpickler, find_header, read_table


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def sheets_of(filename, content):
    with Workbook(filename, content) as book:
        return [(s.name, s.visible, list(s.rows)) for s in book.sheets()], book


def refusal(filename, content):
    with pytest.raises(FileError) as info:
        sheets_of(filename, content)
    return str(info.value)


def xlsx_bytes(build):
    book = OpenpyxlWorkbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(content, name, transform):
    """The same xlsx with one member's bytes transformed (to make what openpyxl will not)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, transform(data) if item.filename == name else data)
    return out.getvalue()


def corner_cells(book):
    book.active["A1"] = "姓名"
    book.active["XFD1048576"] = "x"


def test_a_tiny_workbook_claiming_an_enormous_range_is_refused_with_its_size():
    content = xlsx_bytes(corner_cells)
    assert len(content) < 10_000
    message = refusal("roster.xlsx", content)
    assert "1048576" in message and "16384" in message and "范围" in message


def test_a_lying_dimension_does_not_hide_the_range():
    content = rewrite(
        xlsx_bytes(corner_cells),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:XFD1048576"/>', b'<dimension ref="A1:A1"/>'),
    )
    assert "1048576" in refusal("roster.xlsx", content)


@override_settings(SPREADSHEET_LIMITS={"memory_bytes": 768 * 1024**2})
def test_a_range_the_checks_cannot_see_ends_only_the_reader_process():
    """Cells without references: the preflight sees no columns, the reader's allocation fails,
    and the process that dies is the sandboxed reader, not this one."""

    def cells_without_references(xml):
        cells = b"<c><v>1</v></c>" * 4000
        return xml.replace(
            b'<row r="1048576">',
            b'<row r="1048575">' + cells + b'</row><row r="1048576">',
        )

    content = rewrite(xlsx_bytes(corner_cells), "xl/worksheets/sheet1.xml", cells_without_references)
    content = rewrite(content, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b'r="XFD1048576"', b""))
    message = refusal("roster.xlsx", content)
    assert "内存" in message or "范围" in message


@override_settings(SPREADSHEET_LIMITS={"max_unzipped_bytes": 5 * 1024**2})
@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_zip_bombs_and_absurd_shared_strings_are_refused_before_reading(member):
    padding = b" " * (8 * 1024**2)  # compresses about a thousandfold

    def inflate(xml):
        return xml + padding

    content = xlsx_bytes(lambda b: b.active.append(["姓名", "张三"]))
    if member not in zipfile.ZipFile(io.BytesIO(content)).namelist():
        content = rewrite(content, "[Content_Types].xml", lambda x: x)
        buffer = io.BytesIO(content)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr(member, b"<sst/>" + padding)
        content = buffer.getvalue()
    else:
        content = rewrite(content, member, inflate)
    assert len(content) < 200_000
    assert "解压" in refusal("roster.xlsx", content)


@override_settings(SPREADSHEET_LIMITS={"wall_seconds": 0.0001})
def test_a_read_that_takes_too_long_is_stopped():
    assert "太久" in refusal("a.csv", "姓名\n张三\n".encode())


@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("roster.xlsx", b"", "为空"),
        ("roster.csv", b"   \r\n \r\n", "为空"),
        ("roster.xlsx", b"%PDF-1.7 a report", "PDF"),
        ("roster.xlsx", b"\x89PNG\r\n\x1a\n....", "图片"),
        ("roster.xlsx", b"PK\x03\x04 not really a zip", "损坏"),
        ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "损坏"),
        (
            "roster.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le"),
            "密码",
        ),
        ("roster.csv", bytes(range(256)) * 40, "不是电子表格"),
    ],
)
def test_files_that_cannot_be_opened_say_why_in_chinese(filename, content, words):
    message = refusal(filename, content)
    assert words in message
    assert "Error" not in message and "calamine" not in message.lower()


def test_a_word_document_renamed_xlsx_is_named_as_such():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    assert "Word" in refusal("roster.xlsx", out.getvalue())


def test_a_zip_with_an_encrypted_member_is_named_password_protected():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(out.getvalue())
    data[6] |= 0x1  # the local header's "encrypted" flag
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1
    assert "密码" in refusal("roster.xlsx", bytes(data))


def test_rows_keep_the_spreadsheets_own_numbers_after_blank_rows():
    def build(book):
        sheet = book.active
        sheet["B4"] = "姓名"  # rows 1-3 and column A empty
        sheet["B5"] = "张三"
        sheet["B9"] = "李四"  # rows 6-8 blank

    ((_name, _visible, rows),) = sheets_of("roster.xlsx", xlsx_bytes(build))[0]
    assert [(n, r[1]) for n, r in rows] == [(4, "姓名"), (5, "张三"), (9, "李四")]

    legacy = xlwt.Workbook()
    sheet = legacy.add_sheet("数据")
    sheet.write(3, 1, "姓名")
    sheet.write(8, 1, "李四")
    buffer = io.BytesIO()
    legacy.save(buffer)
    ((_name, _visible, rows),) = sheets_of("roster.xls", buffer.getvalue())[0]
    assert [n for n, _r in rows] == [4, 9]

    ((_name, _visible, rows),) = sheets_of("roster.csv", "\n\n\n姓名\n张三\n\n\n\n李四\n".encode())[0]
    assert [n for n, _r in rows] == [4, 5, 9]


def test_hidden_sheets_are_reported_but_never_read():
    def build(book):
        book.active.append(["姓名"])
        hidden = book.create_sheet("旧数据")
        hidden.append(["姓名"])
        hidden.append(["不该读"])
        hidden.sheet_state = "hidden"

    sheets, _book = sheets_of("roster.xlsx", xlsx_bytes(build))
    assert [(name, visible, len(rows)) for name, visible, rows in sheets] == [
        ("Sheet", True, 1),
        ("旧数据", False, 0),
    ]


@pytest.mark.parametrize(
    ("content", "encoding", "warned"),
    [
        ("姓名,性别\r\n张三,男\r\n".encode("gbk"), "GBK/GB18030", ""),
        (codecs.BOM_UTF8 + "姓名,性别\n张三,男\n".encode(), "UTF-8", ""),
        ("姓名\t性别\r\n张三\t男\r\n".encode("utf-16"), "UTF-16", "Tab"),  # Excel's "Unicode text"
        ("sep=;\n姓名;性别\n张三;男\n".encode(), "UTF-8", ";"),
    ],
)
def test_text_exports_as_excel_and_government_systems_write_them(content, encoding, warned):
    sheets, book = sheets_of("export.csv", content)
    assert [r for _n, r in sheets[0][2]] == [["姓名", "性别"], ["张三", "男"]]
    assert book.encoding == encoding
    assert all(warned in w for w in book.warnings) and (bool(book.warnings) == bool(warned))


def test_an_html_table_saved_as_xls_is_read_with_a_warning():
    page = "<html><head><meta charset='utf-8'></head><body><table><tr><th>姓名</th><th>性别</th></tr>"
    page += "<tr><td>张三</td><td>男</td></tr></table></body></html>"
    sheets, book = sheets_of("export.xls", page.encode())
    assert [r for _n, r in sheets[0][2]] == [["姓名", "性别"], ["张三", "男"]]
    assert "网页" in book.warnings[0]


def test_nothing_but_cell_values_can_come_back_from_the_reader():
    class Evil:
        def __reduce__(self):
            import os

            return (os.system, ("true",))

    with pytest.raises(pickle.UnpicklingError):
        _Unpickler(io.BytesIO(pickle.dumps(("rows", [(1, [Evil()])])))).load()


def test_the_header_is_found_below_a_title_and_a_merged_group_heading():
    rows = [
        (1, ["玉泉区第一幼儿园2026年秋季学期幼儿花名册"]),
        (2, ["填报单位：玉泉区第一幼儿园", None, None, "填报日期：2026-09-10"]),
        (3, ["序号", "学生姓名", "公民身份号码", "基本信息", None]),
        (4, [None, None, None, "性 别", "出生年月"]),
        (5, [1, "张三", "150104201905010019", "男", "2019.05"]),
    ]
    names = {
        "name": ("姓名", "学生姓名"),
        "id_number": ("身份证号码", "公民身份号码"),
        "sex": ("性别",),
        "birth_date": ("出生日期", "出生年月"),
    }
    match = find_header(rows, names)
    assert match.row == 4
    assert match.positions == {"name": 1, "id_number": 2, "sex": 3, "birth_date": 4}
    assert match.unknown == ["序号"]


def test_a_header_with_a_note_or_a_star_still_names_its_column():
    match = find_header(
        [(1, ["*姓名", "身份证号码（必填）", "出生日期(yyyy-mm-dd)"])],
        {
            "name": ("姓名",),
            "id_number": ("身份证号码",),
            "birth_date": ("出生日期",),
        },
    )
    assert match.positions == {"name": 0, "id_number": 1, "birth_date": 2}


def test_a_simple_upload_refuses_two_sheets_of_data_and_says_which_header_it_wanted():
    def two(book):
        book.active.append(["业务参考号", "退回原因"])
        other = book.create_sheet("第二批")
        other.append(["业务参考号", "退回原因"])

    names = {"reference": ("业务参考号",), "reason": ("退回原因",), "day": ("退回日期",)}
    with pytest.raises(FileError, match="第二批"):
        read_table("returns.xlsx", xlsx_bytes(two), names, required=["reference"])
    with pytest.raises(FileError, match="退回日期"):
        read_table("returns.xlsx", xlsx_bytes(lambda b: b.active.append(["业务参考号"])), names, ["day"])
