"""What each department sends: the columns of its template and the fact each row becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tongyou.accounts.models import Unit

from ...codes import (
    ChildStatus,
    DisabilityGrade,
    DisabilityType,
    Ethnicity,
    InstitutionKind,
    InsuranceScheme,
    Ownership,
    Sex,
)
from ...models import Disability, Enrolment, InsuranceEnrolment, Source, StatusPeriod, Vaccination

SEX_NAMES = {"男": Sex.MALE, "女": Sex.FEMALE, "1": Sex.MALE, "2": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE}
ETHNICITY_NAMES = {
    "汉族": Ethnicity.HAN,
    "蒙古族": Ethnicity.MONGOL,
    "回族": Ethnicity.HUI,
    "藏族": Ethnicity.TIBETAN,
    "维吾尔族": Ethnicity.UYGHUR,
    "苗族": Ethnicity.MIAO,
    "壮族": Ethnicity.ZHUANG,
    "朝鲜族": Ethnicity.KOREAN,
    "满族": Ethnicity.MANCHU,
    "土家族": Ethnicity.TUJIA,
    "达斡尔族": Ethnicity.DAUR,
    "鄂温克族": Ethnicity.EVENKI,
    "鄂伦春族": Ethnicity.OROQEN,
    "其他": Ethnicity.OTHER,
}
ETHNICITY_NAMES |= {name.removesuffix("族"): code for name, code in ETHNICITY_NAMES.items() if len(name) > 2}
ETHNICITY_NAMES |= {code.value: code for code in Ethnicity} | {
    str(int(code.value)): code for code in Ethnicity
}
INSTITUTION_KINDS = {
    "托育机构": InstitutionKind.NURSERY,
    "托育": InstitutionKind.NURSERY,
    "幼儿园": InstitutionKind.KINDERGARTEN,
    "小学": InstitutionKind.PRIMARY,
    "初中": InstitutionKind.JUNIOR,
    "高中": InstitutionKind.SENIOR,
    "特殊教育学校": InstitutionKind.SPECIAL,
    "特教": InstitutionKind.SPECIAL,
}
OWNERSHIPS = {
    "公办": Ownership.PUBLIC,
    "普惠性民办": Ownership.INCLUSIVE,
    "普惠": Ownership.INCLUSIVE,
    "民办": Ownership.PRIVATE,
}
SCHEMES = {
    "城乡居民医保": InsuranceScheme.RESIDENT,
    "城乡居民基本医疗保险": InsuranceScheme.RESIDENT,
    "居民医保": InsuranceScheme.RESIDENT,
    "职工医保": InsuranceScheme.EMPLOYEE,
    "职工基本医疗保险": InsuranceScheme.EMPLOYEE,
}
DISABILITY_TYPES = {
    "视力": DisabilityType.VISUAL,
    "听力": DisabilityType.HEARING,
    "言语": DisabilityType.SPEECH,
    "肢体": DisabilityType.PHYSICAL,
    "智力": DisabilityType.INTELLECTUAL,
    "精神": DisabilityType.MENTAL,
    "多重": DisabilityType.MULTIPLE,
}
DISABILITY_TYPES |= {f"{k}残疾": v for k, v in DISABILITY_TYPES.items()} | {
    t.value: t for t in DisabilityType
}
GRADES = {
    "一级": DisabilityGrade.ONE,
    "二级": DisabilityGrade.TWO,
    "三级": DisabilityGrade.THREE,
    "四级": DisabilityGrade.FOUR,
}
GRADES |= {f"{g.value}级": g for g in DisabilityGrade} | {g.value: g for g in DisabilityGrade}
STATUSES = {
    "留守儿童": ChildStatus.LEFT_BEHIND,
    "流动儿童": ChildStatus.FLOATING,
    "孤儿": ChildStatus.ORPHAN,
    "事实无人抚养儿童": ChildStatus.DE_FACTO_UNSUPPORTED,
    "困境儿童": ChildStatus.IN_DIFFICULTY,
    "低保家庭儿童": ChildStatus.LOW_INCOME,
    "特困家庭儿童": ChildStatus.EXTREMELY_POOR,
}
STATUSES |= {k.removesuffix("儿童"): v for k, v in STATUSES.items()}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text, id, date, sex, choice, region
    required: bool = True
    choices: dict = field(default_factory=dict, hash=False, compare=False)
    help: str = ""
    # Other names departments' own exports give the column (the header is found by any of them).
    aliases: tuple = ()

    @property
    def names(self) -> tuple:
        return (self.header, *self.aliases)


# The names real rosters give these columns (学籍系统, 医保、残联、民政 and 公安 exports): one
# maintained list, so a department's own export is read without renaming its columns.
NAME_ALIASES = ("学生姓名", "儿童姓名", "幼儿姓名", "姓名（儿童）", "参保人姓名", "残疾人姓名", "受种者姓名")
ID_ALIASES = (
    "身份证号",
    "公民身份号码",
    "居民身份证号码",
    "身份证件号码",
    "证件号码",
    "证件号",
    "学生身份证号",
    "儿童身份证号码",
    "公民身份证号码",
)
BIRTH_ALIASES = ("出生年月", "出生年月日", "出生时间", "生日")
RESIDENCE_ALIASES = (
    "居住地",
    "现住址",
    "现居住地",
    "现住址区划代码",
    "居住地址",
    "家庭住址",
    "所属社区",
    "社区（村）",
    "社区",
)
PERSON = (
    Column("name", "姓名", "text", aliases=NAME_ALIASES),
    Column("id_number", "身份证号码", "id", help="18位，单元格格式设为文本", aliases=ID_ALIASES),
    Column("sex", "性别", "sex", help="男 / 女", aliases=("性别（男/女）",)),
    Column("birth_date", "出生日期", "date", help="如 2015-03-02", aliases=BIRTH_ALIASES),
    Column(
        "ethnicity",
        "民族",
        "choice",
        required=False,
        choices=ETHNICITY_NAMES,
        help="如 汉族、蒙古族",
        aliases=("民族名称",),
    ),
    Column(
        "residence",
        "居住地区划代码",
        "region",
        help="12位社区（村）代码或15位网格代码，或写明社区（村）名称的地址",
        aliases=RESIDENCE_ALIASES,
    ),
)


@dataclass(frozen=True)
class SourceSpec:
    code: str
    name: str
    unit_code: str
    columns: tuple
    fact_model: type | None = None
    # The columns that make a row "the same fact" as one already held (with the child): a roster
    # sent again with 离校日期 filled closes that enrolment instead of adding another. Empty
    # for sources that hold no facts: there a child has one row per file.
    fact_identity: tuple = ()

    def column(self, key: str) -> Any:
        return next(c for c in self.columns if c.key == key)


SOURCES = {
    spec.code: spec
    for spec in (
        SourceSpec(
            "education",
            "教育局学籍花名册",
            "jyj",
            PERSON
            + (
                Column(
                    "institution",
                    "学校（幼儿园）名称",
                    "text",
                    aliases=("学校名称", "幼儿园名称", "学校", "就读学校"),
                ),
                Column(
                    "institution_kind",
                    "学段",
                    "choice",
                    choices=INSTITUTION_KINDS,
                    help="托育机构/幼儿园/小学/初中/高中/特殊教育学校",
                ),
                Column("ownership", "办学性质", "choice", choices=OWNERSHIPS, help="公办/普惠性民办/民办"),
                Column("grade", "年级", "text", required=False, aliases=("班级", "年级班级")),
                Column("valid_from", "入学日期", "date", aliases=("入园日期", "入学时间", "入园时间")),
                Column(
                    "valid_to",
                    "离校日期",
                    "date",
                    required=False,
                    aliases=("离园日期", "毕业日期", "转出日期"),
                ),
            ),
            Enrolment,
            ("institution", "valid_from"),
        ),
        SourceSpec(
            "insurance",
            "医保局参保名单",
            "ybj",
            PERSON
            + (
                Column("scheme", "险种", "choice", choices=SCHEMES, help="城乡居民医保/职工医保"),
                Column("valid_from", "参保日期", "date", aliases=("参保时间", "参保开始日期")),
                Column("valid_to", "停保日期", "date", required=False, aliases=("终止参保日期",)),
            ),
            InsuranceEnrolment,
            ("scheme", "valid_from"),
        ),
        SourceSpec(
            "disability",
            "残联残疾儿童登记",
            "cl",
            PERSON
            + (
                Column(
                    "disability_type",
                    "残疾类别",
                    "choice",
                    choices=DISABILITY_TYPES,
                    help="视力/听力/言语/肢体/智力/精神/多重",
                ),
                Column("grade", "残疾等级", "choice", choices=GRADES, help="一级至四级"),
                Column("valid_from", "发证日期", "date", aliases=("办证日期", "首次发证日期")),
                Column("valid_to", "有效期至", "date", required=False, aliases=("有效期截止日期",)),
            ),
            Disability,
            ("disability_type", "valid_from"),
        ),
        SourceSpec(
            "civil_affairs",
            "民政局儿童类别登记",
            "mzj",
            PERSON
            + (
                Column(
                    "status",
                    "儿童类别",
                    "choice",
                    choices=STATUSES,
                    help="留守/流动/孤儿/事实无人抚养/困境/低保/特困",
                ),
                Column("valid_from", "认定日期", "date", aliases=("认定时间",)),
                Column("valid_to", "终止日期", "date", required=False, aliases=("退出日期",)),
            ),
            StatusPeriod,
            ("status", "valid_from"),
        ),
        SourceSpec(
            "births",
            "卫健委出生登记",
            "wjw",
            (
                Column("name", "姓名", "text"),
                Column("id_number", "身份证号码", "id", required=False, help="已办理的填写；新生儿可空"),
                Column("sex", "性别", "sex", help="男 / 女"),
                Column("birth_date", "出生日期", "date", help="如 2025-03-02"),
                Column("ethnicity", "民族", "choice", required=False, choices=ETHNICITY_NAMES),
                Column("guardian", "母亲姓名", "text", aliases=("母亲",)),
                Column(
                    "guardian_phone", "母亲电话", "text", required=False, aliases=("联系电话", "母亲联系电话")
                ),
                Column("residence", "居住地区划代码", "region", help="12位社区（村）代码或15位网格代码"),
            ),
        ),
        SourceSpec(
            "vaccination",
            "卫健委预防接种记录",
            "wjw",
            PERSON
            + (
                Column("vaccine", "疫苗名称", "text", help="如 麻腮风疫苗"),
                Column("dose", "剂次", "text", required=False, help="如 第1剂"),
                Column("valid_from", "接种日期", "date", aliases=("接种时间",)),
            ),
            Vaccination,
            ("vaccine", "dose", "valid_from"),
        ),
        SourceSpec(
            "household",
            "公安户籍登记",
            "gafj",
            PERSON
            + (Column("household_region", "户籍地区划代码", "region", required=False, aliases=("户籍地",)),),
        ),
    )
}
# Fact fields each source fills beyond the provenance and dates.
FACT_FIELDS = {
    "education": ("institution", "institution_kind", "ownership", "grade"),
    "insurance": ("scheme",),
    "disability": ("disability_type", "grade"),
    "civil_affairs": ("status",),
    "household": (),
    "births": (),
    "vaccination": ("vaccine", "dose"),
}


@transaction.atomic
def load_sources() -> int:
    """Create or update the Source rows for the specs. Idempotent."""
    for spec in SOURCES.values():
        Source.objects.update_or_create(
            code=spec.code, defaults={"name": spec.name, "unit": Unit.objects.get(code=spec.unit_code)}
        )
    return len(SOURCES)
