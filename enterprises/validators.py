"""Field validators that delegate to the code tables.

They import lazily so that models and migrations load even while the code
tables (`uscc.py`, `industries.py`) are being written, and so that migrations
reference a stable function path in this module.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_enterprise_uscc(value: str) -> None:
    """统一社会信用代码 per GB 32100-2015 except its check characters; a Chinese ValidationError says what is wrong.

    The check characters are `Enterprise.clean`'s: it waives them for a code
    flagged as issued before the standard (存量赋码), which this field-level
    validator cannot see.
    """
    from enterprises.uscc import normalize_uscc, uscc_shape_error

    message = uscc_shape_error(normalize_uscc(value))
    if message:
        raise ValidationError(message, code="invalid_uscc")


def validate_industry_code(value: str) -> None:
    """国民经济行业分类 code (GB/T 4754-2017) written with its section letter, e.g. C3911."""
    if not value:
        return
    from enterprises.industries import is_valid_industry

    if not is_valid_industry(value):
        raise ValidationError(_("行业代码“%(code)s”不在国民经济行业分类（GB/T 4754-2017）中"), params={"code": value})
