"""Demo allowance standards, so the monthly run works out of the box.

The amounts are Inner Mongolia's latest regional averages found (dispersed 1,712 and institutional
2,004 yuan a month, as published by the regional civil-affairs department, 内蒙古自治区民政厅). Yuquan's own
figures were not found: the district bureau replaces them on the payments page."""

import datetime
from decimal import Decimal

from .models import AllowanceStandard, Category

DEMO_STANDARDS = {
    Category.ORPHAN: Decimal("1712.00"),
    Category.ORPHAN_INSTITUTION: Decimal("2004.00"),
    # 事实无人抚养儿童 are paid the local dispersed-orphan standard (民发〔2019〕62号).
    Category.UNSUPPORTED: Decimal("1712.00"),
}
BASIS = "内蒙古自治区平均标准（演示用，待区民政局按本地文件确认）"


def load_demo_standards(effective_from=datetime.date(2026, 1, 1)):
    """Add the demo standards where a category has none; returns how many were added."""
    added = 0
    for category, amount in DEMO_STANDARDS.items():
        if not AllowanceStandard.objects.filter(category=category).exists():
            AllowanceStandard.objects.create(
                category=category, monthly_amount=amount, effective_from=effective_from, basis=BASIS
            )
            added += 1
    return added
