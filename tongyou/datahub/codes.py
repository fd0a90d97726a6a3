"""National code tables used by the data hub."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """GB/T 2261.1-2003."""

    MALE = "1", _("Male")
    FEMALE = "2", _("Female")


class Ethnicity(models.TextChoices):
    """GB 3304-1991 (the groups present in the district; extend as records need)."""

    HAN = "01", _("Han")
    MONGOL = "02", _("Mongol")
    HUI = "03", _("Hui")
    TIBETAN = "04", _("Tibetan")
    UYGHUR = "05", _("Uyghur")
    MIAO = "06", _("Miao")
    ZHUANG = "08", _("Zhuang")
    KOREAN = "10", _("Korean")
    MANCHU = "11", _("Manchu")
    TUJIA = "15", _("Tujia")
    DAUR = "31", _("Daur")
    EVENKI = "52", _("Evenki")
    OROQEN = "53", _("Oroqen")
    OTHER = "97", _("Other unrecognised group")


class GuardianRelationship(models.TextChoices):
    """GB/T 4761-2008 family relationship codes (the common ones)."""

    FATHER = "51", _("Father")
    MOTHER = "52", _("Mother")
    GRANDFATHER = "61", _("Paternal grandfather")
    GRANDMOTHER = "62", _("Paternal grandmother")
    MATERNAL_GRANDFATHER = "63", _("Maternal grandfather")
    MATERNAL_GRANDMOTHER = "64", _("Maternal grandmother")
    OTHER_RELATIVE = "97", _("Other relative")
    NON_RELATIVE = "99", _("Non-relative")


AGE_BANDS = [
    ("0-2", 0, 2),
    ("3-5", 3, 5),
    ("6-11", 6, 11),
    ("12-14", 12, 14),
    ("15-17", 15, 17),
]


class DisabilityType(models.TextChoices):
    """GB/T 26341-2010 残疾人残疾分类和分级."""

    VISUAL = "1", _("Visual")
    HEARING = "2", _("Hearing")
    SPEECH = "3", _("Speech")
    PHYSICAL = "4", _("Physical")
    INTELLECTUAL = "5", _("Intellectual")
    MENTAL = "6", _("Mental")
    MULTIPLE = "7", _("Multiple")


class DisabilityGrade(models.TextChoices):
    """GB/T 26341-2010: grade 1 is the most severe."""

    ONE = "1", _("Grade 1")
    TWO = "2", _("Grade 2")
    THREE = "3", _("Grade 3")
    FOUR = "4", _("Grade 4")


class InstitutionKind(models.TextChoices):
    NURSERY = "nursery", _("Nursery")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school")
    SPECIAL = "special", _("Special-education school")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("Public")
    INCLUSIVE = "inclusive", _("Inclusive private")
    PRIVATE = "private", _("Private")


class InsuranceScheme(models.TextChoices):
    RESIDENT = "resident", _("Urban and rural residents' basic medical insurance")
    EMPLOYEE = "employee", _("Employees' basic medical insurance")


class ChildStatus(models.TextChoices):
    LEFT_BEHIND = "left_behind", _("Left-behind")
    FLOATING = "floating", _("Floating")
    ORPHAN = "orphan", _("Orphan")
    DE_FACTO_UNSUPPORTED = "unsupported", _("De-facto unsupported")
    IN_DIFFICULTY = "difficulty", _("In difficulty")
    LOW_INCOME = "low_income", _("Low-income (dibao) family")
    EXTREMELY_POOR = "extremely_poor", _("Extremely poor (tekun) family")
