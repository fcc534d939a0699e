"""Submitting an admin form as a person would: open it, fill what is required, add an inline row, press 保存.

The values posted are the page's own (read from the HTML, CSRF token included);
only empty required fields are typed in, chosen by the field's type, or by
`TYPED` where the domain needs a valid value (a region code matching its level,
a USCC with its check digit …). Which fields are required comes from the form
the admin builds for that user, so a role-specific form is filled as that role sees it.
"""

import datetime as dt
import itertools

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import InlineForeignKeyField
from django.test import Client, RequestFactory

from tests.backoffice import pages

_counter = itertools.count(1)

# A real, tiny PDF (one blank page), as an editor would attach a scanned notice.
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n166\n%%EOF\n"
)


def small_pdf(name: str = "通知.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SMALL_PDF, content_type="application/pdf")


def _uscc() -> str:
    from tests.factories.enterprises import uscc_for

    return uscc_for(90_000 + next(_counter))


# Values a person would type where the domain needs a valid one: (app_label.model, field) → value or callable.
TYPED = {
    ("org.region", "code"): lambda: f"4205{80 + next(_counter) % 19:02d}",
    ("org.region", "level"): "county",
    ("org.region", "parent"): lambda: str(_city_pk()),
    ("org.department", "code"): lambda: f"dept-{next(_counter)}",
    ("enterprises.enterprise", "uscc"): _uscc,
    ("enterprises.enterprise", "industry_code"): "C3911",
    ("enterprises.enterprise", "new_registered_phone"): "13900000001",
    ("enterprises.enterprise", "new_contact_phone"): "13700000001",
    ("workcalendar.calendaryear", "year"): lambda: str(2040 + next(_counter) % 50),
    # A Monday: left unticked 上班, it is a holiday (an exception); a Saturday would be refused as no exception.
    ("workcalendar.calendarday", "date"): lambda: (
        dt.date(2031, 1, 6) + dt.timedelta(weeks=next(_counter))
    ).isoformat(),
    ("notify.smstemplate", "text"): "您的验证码为{code}，5分钟内有效。",
    ("notify.smstemplate", "sample_params"): '{"code": "123456"}',
    ("search.synonym", "canonical"): "科技创新",
    ("accounts.user", "password1"): "Sweep@2026-strong",
    ("accounts.user", "password2"): "Sweep@2026-strong",
    ("accounts.user", "username"): lambda: f"sweep{next(_counter)}",
    ("accounts.user", "email"): "staff@example.cn",
    ("policies.policy", "issue_date"): "2026-03-02",
    ("policies.policy", "effective_date"): "2026-03-02",
    ("policies.policy", "level"): "municipal",
    ("policies.policy", "region"): lambda: str(_city_pk()),
    ("policies.policy", "original_text"): "<p>对首次认定的高新技术企业给予一次性奖励20万元。</p>",
    ("policies.interpretation", "key_points"): "首次认定奖励20万元\n免申即享",
    ("policies.policyattachment", "file"): small_pdf,
    ("policies.policyrelation", "target"): lambda: str(_public_policy_pk()),
    ("enterprises.annualfigure", "year"): "2025",
    # 征求意见: a question's number is unique within its consultation (the sample already has question 1).
    ("engagement.consultationquestion", "position"): lambda: str(100 + next(_counter)),
    ("enterprises.qualification", "valid_from"): "2024-12-01",
    ("enterprises.qualification", "valid_to"): "2027-11-30",
    ("enterprises.tag", "code"): lambda: f"tag-{next(_counter)}",
    ("enterprises.tagcategory", "code"): lambda: f"cat-{next(_counter)}",
    ("enterprises.qualificationtype", "code"): lambda: f"q-{next(_counter)}",
    ("policies.policycategory", "code"): lambda: f"c-{next(_counter)}",
    ("notify.smstemplate", "code"): lambda: f"sms-{next(_counter)}",
    ("notify.webhookendpoint", "code"): lambda: f"hook-{next(_counter)}",
    ("notify.webhookendpoint", "secret"): "sweep-signing-secret-0001",
    ("matters.ruleset", "code"): lambda: f"rule-{next(_counter)}",
    ("engagement.servicelink", "url"): lambda: f"https://svc{next(_counter)}.example.gov.cn/",
    # A matter's catalogue code, and the fixed amount its default 定额奖补 standard needs (元).
    ("matters.matter", "code"): lambda: f"SWEEP-{next(_counter):04d}",
    ("matters.matter", "support_amount"): "200000",
    # 分档: the base figure from 0 to under 100, a tier the lint accepts.
    ("matters.supporttier", "lower"): "0",
    ("matters.supporttier", "upper"): "100",
    # A well-formed criterion on a registered fact: 从业人员不少于50人.
    ("matters.criterion", "fact"): "employees",
    ("matters.criterion", "operator"): "gte",
    ("matters.criterion", "value"): "50",
    ("matters.criterion", "group"): "",
    ("matters.criterion", "message"): "从业人员不少于50人",
    ("matters.criterion", "legal_reference"): "宜政发〔2024〕5号 第十二条",
    # 线上政策咨询会: on a public policy, ending after it starts, booking closing the day before.
    ("engagement.consultationsession", "policy"): lambda: str(_public_policy_pk()),
    ("engagement.consultationsession", "starts_at"): "2027-03-02 09:00:00",
    ("engagement.consultationsession", "ends_at"): "2027-03-02 10:30:00",
    ("engagement.consultationsession", "booking_deadline"): "2027-03-01 17:00:00",
}


def _city_pk():
    from portal.org.models import Region

    return Region.objects.get(code="420500").pk


def _public_policy_pk():
    from policies.models import Policy

    return Policy.objects.filter(status__in=Policy.PUBLIC_STATUSES).values_list("pk", flat=True).first()


def _typed(model, name):
    key = (model._meta.label_lower, name)
    if key not in TYPED:
        return None
    value = TYPED[key]
    return value() if callable(value) else value


def value_for(model, name: str, field, page_form, page_name: str):
    """What a person types or picks for `field`: a str, a list of str, or an uploaded file."""
    typed = _typed(model, name)
    if typed is not None:
        return typed
    if isinstance(field, forms.ModelMultipleChoiceField):
        first = field.queryset.first()
        return [str(first.pk)] if first is not None else []
    if isinstance(field, forms.ModelChoiceField):
        options = pages.select_options(page_form, page_name)
        if options and not isinstance(field.widget, AutocompleteSelect):
            return options[0]
        first = field.queryset.first()
        return str(first.pk) if first is not None else ""
    if isinstance(field, forms.FileField):
        return small_pdf()
    if isinstance(field, forms.ChoiceField):
        return next(str(value) for value, _label in field.choices if value not in ("", None))
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.DateTimeField):
        return "2026-03-02 09:00:00"
    if isinstance(field, forms.DateField):
        return "2026-03-02"
    if isinstance(field, forms.TimeField):
        return "09:00:00"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return str(max(1, field.min_value or 1))
    if isinstance(field, forms.EmailField):
        return "staff@example.cn"
    if isinstance(field, forms.URLField):
        return "https://www.yichang.gov.cn/"
    if isinstance(field, forms.JSONField):
        return "[]"
    text = f"测试{model._meta.verbose_name}{next(_counter)}"
    return text[: field.max_length] if getattr(field, "max_length", None) else text


def _is_empty(data, name):
    return not any(v for v in data.get(name, []))


def _put(data, files, name, field, value):
    if isinstance(value, SimpleUploadedFile):
        files[name] = value
    elif isinstance(field, forms.SplitDateTimeField):
        day, _, time = str(value).partition(" ")
        data[f"{name}_0"], data[f"{name}_1"] = [day], [time]
    elif isinstance(value, list):
        data[name] = value
    else:
        data[name] = [value]


def _page_names(page_form) -> set[str]:
    return {element.get("name") for element in page_form.iter() if element.get("name")}


def _fill_fields(model, fields, data, files, page_form, names, prefix="", *, everything=False):
    """Types a value into every required empty field on the page (every empty field too, when `everything`).

    `names` are the field names the page shows (an inline row's are its template's, renumbered).
    """
    for name, field in fields.items():
        page_name = f"{prefix}{name}"
        if field.disabled or isinstance(field, InlineForeignKeyField):
            continue  # the parent's key: the admin sets it
        if page_name not in names and f"{page_name}_0" not in names:
            continue
        if isinstance(field, forms.SplitDateTimeField):
            empty = _is_empty(data, f"{page_name}_0")
        else:
            empty = _is_empty(data, page_name)
        typed = (model._meta.label_lower, name) in TYPED
        if not empty or not (field.required or everything or typed):
            continue
        optional_box = not field.required and isinstance(field, forms.BooleanField | forms.FileField)
        if everything and optional_box and not typed:
            continue
        _put(data, files, page_name, field, value_for(model, name, field, page_form, page_name))


class AdminPage:
    """An admin add or change page as `user` opened it, ready to be filled and posted back."""

    def __init__(self, client: Client, url: str, modeladmin, user, obj=None):
        self.client, self.url, self.modeladmin, self.user, self.obj = client, url, modeladmin, user, obj
        self.response = client.get(url)
        assert self.response.status_code == 200, (url, self.response.status_code)
        self.tree = pages.parse(self.response.content)
        self.form = pages.find_form(self.tree, f"{modeladmin.opts.model_name}_form")
        self.data = pages.form_values(self.form)
        self.files: dict = {}
        self.added_rows: list = []  # (inline model, its key to the parent) for every row typed in

    def _request(self):
        request = RequestFactory().get(self.url)
        request.user = self.user
        return request

    def fill_required(self):
        request = self._request()
        form_class = self.modeladmin.get_form(request, self.obj, change=self.obj is not None)
        fields = form_class(instance=self.obj).fields
        _fill_fields(self.modeladmin.model, fields, self.data, self.files, self.form, _page_names(self.form))
        return self

    def add_inline_rows(self):
        """One new row in every inline the page offers an empty row for, all its fields typed in."""
        request = self._request()
        formsets = [
            (formset, inline)
            for formset, inline in self.modeladmin.get_formsets_with_inlines(request, self.obj)
            if inline.has_view_or_change_permission(request, self.obj) or inline.has_add_permission(request, self.obj)
        ]
        for prefix, (formset_class, _inline) in zip(pages.inline_prefixes(self.data), formsets, strict=True):
            template = f"{prefix}-__prefix__-"
            if not any(name.startswith(template) for name in self.data):
                continue  # no add permission: no empty row on the page
            index = int(self.data[f"{prefix}-TOTAL_FORMS"][0])
            row = f"{prefix}-{index}-"
            for name, values in list(self.data.items()):
                if name.startswith(template):
                    self.data[row + name.removeprefix(template)] = list(values)
            names = {row + name.removeprefix(template) for name in _page_names(self.form) if name.startswith(template)}
            empty = formset_class(instance=self.obj, prefix=prefix).empty_form
            _fill_fields(
                formset_class.model, empty.fields, self.data, self.files, self.form, names, row, everything=True
            )
            self.data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
            self.added_rows.append((formset_class.model, formset_class.fk.name))
        return self

    def set(self, name, value):
        self.data[name] = value if isinstance(value, list) else [value]
        return self

    def post(self, **extra):
        payload = {name: values for name, values in self.data.items() if "__prefix__" not in name}
        payload.update(self.files)
        payload["csrfmiddlewaretoken"] = pages.csrf_token(self.tree)
        payload.setdefault("_save", "保存")
        payload.update(extra)
        return self.client.post(self.url, payload)


def signed_in(user) -> Client:
    """A client that enforces CSRF like a browser's server would, signed in as `user`."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
