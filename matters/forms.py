"""Public forms of the matters app: the policy calculator's short form (政策计算器, 宜昌 §29).

Every typed figure, code and date is folded by `portal.core.normalize` first
(full-width digits, thousands commas, ２０１９年３月８日), then checked against
what an enterprise can plausibly be: a refusal is a Chinese message on its
field, never a 500.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enterprises.industries import industries, industry_error
from enterprises.models import QualificationType
from portal.core import normalize
from portal.org.models import Region

# The largest figures an enterprise can plausibly report; above them a unit slip (元 for 万元) is likelier.
MAX_WAN = Decimal(100_000_000)  # 1万亿元, in 万元
MAX_EMPLOYEES = 3_000_000  # 人
EARLIEST_REGISTRATION = dt.date(1900, 1, 1)

# (field, fact label, may be negative)
MONEY_FIELDS = (
    ("revenue_wan", _("营业收入"), False),
    ("tax_paid_wan", _("纳税总额"), False),
    ("rd_expense_wan", _("研发费用"), False),
    ("total_assets_wan", _("资产总额"), False),
    ("export_value_wan", _("出口额"), False),
    ("profit_wan", _("利润总额"), True),
)


def _text_input(**attrs):
    # Text, not type=number: a browser's number input drops full-width digits and commas before the server sees them.
    return forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})


class CalculatorForm(forms.Form):
    """自测表: the facts a visitor states about their enterprise, for the year before the evaluation day.

    Money in 万元, employees in 人. Only the region is required; a blank figure
    stays unknown and the matters that need it say so (可能符合（缺少数据）).
    `cleaned_data` holds Decimal / int / date / Region / list of qualification codes.
    """

    industry = forms.CharField(
        label=_("所属行业"),
        required=False,
        max_length=60,
        help_text=_("填写行业代码（GB/T 4754-2017，如C3911），或输入行业名称从列表中选择"),
        widget=_text_input(list="industry-options", placeholder=_("如：C3911")),
    )
    region = forms.ChoiceField(label=_("注册地"), choices=())
    registration_date = forms.CharField(
        label=_("成立日期"),
        required=False,
        max_length=40,
        help_text=_("如：2019-03-08 或 2019年3月8日"),
        widget=_text_input(inputmode="numeric"),
    )
    revenue_wan = forms.CharField(label=_("营业收入（万元）"), required=False, max_length=40)
    employees = forms.CharField(
        label=_("从业人员（人）"), required=False, max_length=40, widget=_text_input(inputmode="numeric")
    )
    rd_expense_wan = forms.CharField(label=_("研发费用（万元）"), required=False, max_length=40)
    tax_paid_wan = forms.CharField(label=_("纳税总额（万元）"), required=False, max_length=40)
    total_assets_wan = forms.CharField(label=_("资产总额（万元）"), required=False, max_length=40)
    export_value_wan = forms.CharField(label=_("出口额（万元）"), required=False, max_length=40)
    profit_wan = forms.CharField(
        label=_("利润总额（万元）"), required=False, max_length=40, help_text=_("亏损填负数，如 -35")
    )
    qualifications = forms.MultipleChoiceField(
        label=_("目前有效的资质荣誉"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    credit = forms.ChoiceField(
        label=_("信用状况"),
        choices=(("normal", _("正常")), ("serious_dishonest", _("已被列入严重失信主体名单"))),
        initial="normal",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        year = self.today.year - 1
        for name in ("revenue_wan", "rd_expense_wan", "tax_paid_wan", "total_assets_wan", "export_value_wan"):
            self.fields[name].widget = _text_input(inputmode="decimal")
        self.fields["profit_wan"].widget = _text_input(inputmode="text")
        for name, *_rest in (*MONEY_FIELDS, ("employees",)):
            self.fields[name].label = gettext("%(year)d年%(label)s") % {
                "year": year,
                "label": self.fields[name].label,
            }
        self.fields["region"].choices = [("", "—"), *region_choices()]
        self.fields["qualifications"].choices = [
            (t.code, t.label) for t in QualificationType.objects.order_by("sort_order", "code")
        ]

    # ---- figures

    def _money(self, name: str, label, negative_allowed: bool) -> Decimal | None:
        raw = self.cleaned_data.get(name, "")
        if not normalize.compact(raw):
            return None
        try:
            value = normalize.amount(raw)
        except normalize.NormalizeError as error:
            raise ValidationError(str(error)) from None
        if value < 0 and not negative_allowed:
            raise ValidationError(gettext("%(label)s不能为负数") % {"label": label})
        if abs(value) > MAX_WAN:
            raise ValidationError(
                gettext("%(label)s超出合理范围（不超过%(max)s万元），请核对单位是否为万元")
                % {"label": label, "max": f"{MAX_WAN:,}"}
            )
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(gettext("%(label)s最多保留两位小数（单位：万元）") % {"label": label})
        return value.quantize(Decimal("0.01"))

    def clean_revenue_wan(self):
        return self._money("revenue_wan", _("营业收入"), False)

    def clean_tax_paid_wan(self):
        return self._money("tax_paid_wan", _("纳税总额"), False)

    def clean_rd_expense_wan(self):
        return self._money("rd_expense_wan", _("研发费用"), False)

    def clean_total_assets_wan(self):
        return self._money("total_assets_wan", _("资产总额"), False)

    def clean_export_value_wan(self):
        return self._money("export_value_wan", _("出口额"), False)

    def clean_profit_wan(self):
        return self._money("profit_wan", _("利润总额"), True)

    def clean_employees(self) -> int | None:
        raw = self.cleaned_data.get("employees", "")
        if not normalize.compact(raw):
            return None
        try:
            value = normalize.amount(raw)
        except normalize.NormalizeError:
            raise ValidationError(gettext("从业人员请填写人数（整数），如 120")) from None
        if value < 0:
            raise ValidationError(gettext("从业人员不能为负数"))
        if value != value.to_integral_value():
            raise ValidationError(gettext("从业人员须为整数"))
        if value > MAX_EMPLOYEES:
            raise ValidationError(
                gettext("从业人员超出合理范围（不超过%(max)s人），请核对") % {"max": f"{MAX_EMPLOYEES:,}"}
            )
        return int(value)

    # ---- codes and dates

    def clean_industry(self) -> str:
        raw = normalize.fold(self.cleaned_data.get("industry", ""))
        if not raw:
            return ""
        # Picked from the list the field holds "C3911 计算机整机制造"; only the code counts.
        code = normalize.code_text(raw.split(" ")[0])
        error = industry_error(code)
        if error:
            # A name typed instead of a code (计算机整机制造): the classification's own name, exactly.
            named = [i.code for i in industries() if i.name == raw.strip()]
            if len(named) == 1:
                return named[0]
            raise ValidationError(error)
        return code

    def clean_region(self) -> Region:
        code = normalize.identifier(self.cleaned_data.get("region", ""))
        region = Region.objects.filter(code=code).select_related("parent").first()
        if region is None:
            raise ValidationError(gettext("请选择注册地"))
        return region

    def clean_registration_date(self) -> dt.date | None:
        try:
            day = normalize.date(self.cleaned_data.get("registration_date", ""))
        except normalize.NormalizeError as error:
            raise ValidationError(str(error)) from None
        if day is None:
            return None
        if day > self.today:
            raise ValidationError(gettext("成立日期不能晚于今天"))
        if day < EARLIEST_REGISTRATION:
            raise ValidationError(gettext("成立日期早于1900年，请核对"))
        return day


def region_choices() -> list[tuple[str, str]]:
    """Every region of the platform as (code, "宜昌市 西陵区"), in code order."""
    regions = Region.objects.select_related("parent").order_by("code")
    return [(r.code, f"{r.parent.name} {r.name}" if r.level == Region.Level.COUNTY else r.name) for r in regions]
