"""Masking for display: enough to recognise a record, not enough to misuse it."""


def mask_id_number(value: str) -> str:
    """150104201503021234 → 150104********234X-style: region code and last four shown."""
    if not value:
        return ""
    value = value.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str) -> str:
    """张小明 → 张*明; 李明 → 李*; 欧阳小明 → 欧**明."""
    if not value:
        return ""
    value = value.strip()
    if len(value) == 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (the area), hide the rest."""
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else "****"


def mask_account(value: str) -> str:
    """6222021234567890123 → ****0123: the last four digits, as banks print them."""
    if not value:
        return ""
    value = value.strip()
    return "****" + value[-4:] if len(value) > 4 else "****"
