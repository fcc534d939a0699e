"""The back office's 生成报告 form: which report, over which month or quarter."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Report
from .periods import Period
from .reports import QUARTER_NAMES, period_label

FIRST_YEAR = 2000


class GenerateReportForm(forms.Form):
    """A monthly report needs a month, a quarterly pack a quarter; only a period that has ended may be reported on
    (a report of a month still running would be archived as if complete)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("报告类型"),
        choices=Report.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择报告类型。")},
    )
    year = forms.IntegerField(
        label=gettext_lazy("年份"),
        error_messages={"required": gettext_lazy("请填写年份。"), "invalid": gettext_lazy("年份请填写数字，如 2026。")},
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("月份"),
        choices=[("", "—"), *[(m, str(m)) for m in range(1, 13)]],
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("月度报告填写。"),
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"),
        choices=[("", "—"), *QUARTER_NAMES.items()],
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("季度联席会议材料填写。"),
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        self.today = today or timezone.localdate()
        last = self.today.replace(day=1) - dt.timedelta(days=1)
        kwargs.setdefault("initial", {"kind": Report.Kind.MONTHLY, "year": last.year, "month": last.month})
        super().__init__(*args, **kwargs)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not FIRST_YEAR <= year <= self.today.year:
            raise forms.ValidationError(
                _("年份应在%(first)d年至%(last)d年之间。") % {"first": FIRST_YEAR, "last": self.today.year}
            )
        return year

    def clean(self):
        data = super().clean()
        kind, year = data.get("kind"), data.get("year")
        if kind == Report.Kind.MONTHLY and data.get("month") is None:
            self.add_error("month", _("月度报告请选择月份。"))
        if kind == Report.Kind.QUARTERLY and data.get("quarter") is None:
            self.add_error("quarter", _("季度联席会议材料请选择季度。"))
        if self.errors or not kind or year is None:
            return data
        if kind == Report.Kind.MONTHLY:
            period = Period.month(year, data["month"])
        else:
            period = Period.quarter(year, data["quarter"])
        label = period_label(period)
        if period.start > self.today:
            raise forms.ValidationError(_("%(period)s尚未开始，不能生成未来期间的报告。") % {"period": label})
        if period.end >= self.today:
            raise forms.ValidationError(
                _("%(period)s尚未结束，%(day)s起才能生成该期报告。")
                % {"period": label, "day": (period.end + dt.timedelta(days=1)).isoformat()}
            )
        data["period"] = period
        return data
