"""The unified social credit code (统一社会信用代码, USCC) of GB 32100-2015.

An 18-character code::

    position 1      registration authority (登记管理部门代码)
    position 2      category of the organisation (机构类别代码), which depends on position 1
    positions 3–8   area code of the registering authority (登记管理机关行政区划码, GB/T 2260)
    positions 9–17  subject identifier (主体标识码), which IS the organisation code of
                    GB 11714: eight characters and its own check character
    position 18     check character over positions 1–17

Two decisions, both from the text of the standard:

* The inner GB 11714 check (position 17) is verified. GB 32100-2015 §4.3 defines
  positions 9–17 as the organisation code "按照GB 11714编码", check character
  included, so a code whose inner check fails was not issued under the standard.
* The registration authorities accepted are those of the standard's table (1, 5,
  9, Y) plus the ones the standard's maintenance agency assigned afterwards and
  that are printed on real certificates (2 外交, 3 司法行政 — every law firm —,
  4 文化, 6 旅游, 7 宗教, 8 工会, A 军队, N 农业): refusing a law firm's code
  would be a bug, not strictness.

Everything here is pure: no database, no Django models.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.core import normalize

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
# GB 32100-2015 §5: the weight of position i (1-based) is 3^(i-1) mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# 登记管理部门代码 → 机构类别代码 → name.
REGISTRATION_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}

# The first two digits of a GB/T 2260 area code: the provinces, plus 10 for
# authorities at national level (中央, e.g. 100000).
PROVINCE_PREFIXES = frozenset(
    {"10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42"}
    | {"43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"}
)

# GB 11714-1997: organisation code characters are digits and A–Z (A = 10 … Z = 35).
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalize_uscc(s: str | None) -> str:
    """What a clerk typed → the code, folded by the kernel (`portal.core.normalize`).

    NFKC (full-width ``９１ＭＡ`` → ``91MA``), every kind of space and line break
    and every hyphen or dash separator (``91420502MA0021000-7``) removed, upper case.
    Spreadsheet cells go through `normalize.identifier` instead, which also refuses
    a number cell Excel has rounded.
    """
    return normalize.code_text(s)


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §5): 31 − (Σ value·weight mod 31), 31 → 0."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The 9th character of a GB 11714 organisation code: 11 − (Σ mod 11), 10 → X, 11 → 0."""
    total = sum(_ORG_VALUE[c] * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def uscc_shape_error(code: str) -> str | None:
    """What is wrong with `code` other than its check characters, in Chinese, or None.

    Length, characters, registration authority, category and area, from the
    outside in; the first problem found is reported.
    """
    if len(code) != 18:
        return _("统一社会信用代码长度应为18位，实际为%(n)d位") % {"n": len(code)}
    for i, c in enumerate(code, start=1):
        if c not in _VALUE:
            return _("统一社会信用代码第%(pos)d位字符“%(char)s”不合法") % {"pos": i, "char": c}
    authority = REGISTRATION_AUTHORITIES.get(code[0])
    if authority is None:
        return _("统一社会信用代码第1位登记管理部门代码“%(char)s”不存在") % {"char": code[0]}
    if code[1] not in authority[1]:
        return _("统一社会信用代码第2位机构类别代码“%(char)s”对登记管理部门“%(authority)s”不存在") % {
            "char": code[1],
            "authority": authority[0],
        }
    area = code[2:8]
    if not area.isdigit() or area[:2] not in PROVINCE_PREFIXES:
        return _("统一社会信用代码第3–8位行政区划码“%(area)s”不合法") % {"area": area}
    return None


def uscc_check_error(code: str) -> str | None:
    """Which check character of a well-shaped `code` fails, in Chinese, or None when both hold.

    The message never names the character that would pass: that would hand
    anyone a way to complete a made-up code.
    """
    if org_code_check_char(code[8:16]) != code[16]:
        return _("统一社会信用代码第9–17位主体标识码（组织机构代码）校验码错误，请核对营业执照上的代码")
    if check_char(code[:17]) != code[17]:
        return _("统一社会信用代码校验位错误，请核对营业执照上的代码")
    return None


def uscc_error(code: str) -> str | None:
    """Why `code` is not a valid USCC, in Chinese, or None when it is valid.

    `code` is taken as given; pass it through `normalize_uscc` first to accept
    full-width characters, spaces and lower case. The first problem found is
    reported, from the outside in: length, characters, authority, category,
    area, inner check, check character.
    """
    return uscc_shape_error(code) or uscc_check_error(code)


def is_valid_uscc(code: str) -> bool:
    """True when `code` is exactly a valid USCC (no normalising: 'abc' style input is invalid)."""
    return isinstance(code, str) and uscc_error(code) is None


def validate_uscc(value: str) -> None:
    """Django validator: the normalised value must be a valid USCC."""
    message = uscc_error(normalize_uscc(value))
    if message:
        raise ValidationError(message, code="invalid_uscc")


def make_uscc(dept_code: str, category: str, area_code: str, org_code9: str) -> str:
    """Builds a valid USCC from its parts, computing the check character.

    `org_code9` is a complete GB 11714 organisation code (use
    `org_code_check_char` to complete an 8-character body). Raises ValueError
    when a part is not valid.
    """
    code = f"{dept_code}{category}{area_code}{org_code9}"
    if len(code) != 17:
        raise ValueError("parts must be 1 + 1 + 6 + 9 characters")
    full = code + (check_char(code) if all(c in _VALUE for c in code) else "?")
    error = uscc_error(full)
    if error:
        raise ValueError(error)
    return full
