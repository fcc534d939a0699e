"""Builds enterprises and rule sets from plain data (the golden YAML cases and the property test)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from enterprises.models import AnnualFigure, EnterpriseTag, Qualification, QualificationType, Tag, TagCategory
from portal.org.models import Region
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.matters import CriterionFactory, RuleSetFactory
from tests.factories.org import CityFactory, CountyFactory, ProvinceFactory

FIGURE_FIELDS = (
    "revenue_wan",
    "profit_wan",
    "tax_paid_wan",
    "rd_expense_wan",
    "employees",
    "total_assets_wan",
    "export_value_wan",
)


def region(code: str) -> Region:
    """A region by its code, created with its parents when new (420000 省, 420500 市, 420502 区)."""
    found = Region.objects.filter(code=code).first()
    if found:
        return found
    defaults = {"420000": ProvinceFactory, "420500": CityFactory, "420502": CountyFactory}
    if code in defaults:
        return defaults[code]()
    if code.endswith("0000"):
        return ProvinceFactory(code=code, name=f"省{code}")
    if code.endswith("00"):
        return CityFactory(code=code, name=f"市{code}", parent=region(code[:2] + "0000"))
    return CountyFactory(code=code, name=f"区{code}", parent=region(code[:4] + "00"))


def qualification_type(code: str) -> QualificationType:
    return QualificationType.objects.get_or_create(code=code, defaults={"name": f"资质{code}"})[0]


def tag(code: str) -> Tag:
    category = TagCategory.objects.get_or_create(code="test", defaults={"name": "测试类别"})[0]
    return Tag.objects.get_or_create(code=code, defaults={"name": f"标签{code}", "category": category})[0]


def _moment(day) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def enterprise(spec: dict):
    """An enterprise from a dict: registration_date, industry_code, region, size, size_year, credit_status,
    figures {year: {field: value, source, updated}}, qualifications [{type, valid_from, valid_to}], tags [code]."""
    fields = {
        "registration_date": spec.get("registration_date"),
        "industry_code": spec.get("industry_code", "C3911"),
        "region": region(str(spec.get("region", "420502"))),
        "size": spec.get("size", "unknown"),
        "size_year": spec.get("size_year"),
        "credit_status": spec.get("credit_status", "normal"),
        "operating_status": spec.get("operating_status", "existing"),
    }
    if fields["credit_status"] != "normal":
        fields["credit_listed_on"] = dt.date(2024, 1, 1)
    if "source_updated" in spec:
        fields["source_updated_at"] = _moment(spec["source_updated"])
    company = EnterpriseFactory(**fields)
    for year, figures in (spec.get("figures") or {}).items():
        row = {f: figures.get(f) for f in FIGURE_FIELDS}
        row = {f: (Decimal(str(v)) if v is not None and f != "employees" else v) for f, v in row.items()}
        AnnualFigure.objects.create(
            enterprise=company,
            year=int(year),
            source=figures.get("source", "statistics"),
            source_updated_at=_moment(figures.get("updated", dt.date(int(year) + 1, 3, 1))),
            **row,
        )
    for q in spec.get("qualifications") or []:
        Qualification.objects.create(
            enterprise=company,
            type=qualification_type(q["type"]),
            valid_from=q["valid_from"],
            valid_to=q.get("valid_to"),
            source=q.get("source", "staff"),
        )
    for code in spec.get("tags") or []:
        EnterpriseTag.objects.create(enterprise=company, tag=tag(code), origin="manual", reason="测试")
    return company


def rule_set(criteria: list[dict], **fields):
    """A draft rule set with `criteria` (fact, operator, value, group, manual, message, legal_reference)."""
    rules = RuleSetFactory(**fields)
    for position, spec in enumerate(criteria):
        for code in _codes_needed(spec):
            code()
        CriterionFactory(
            rule_set=rules,
            position=position,
            fact=spec.get("fact", ""),
            operator=spec.get("operator", ""),
            value=spec.get("value"),
            group=spec.get("group", ""),
            manual=spec.get("manual", False),
            message=spec.get("message", f"条件{position + 1}"),
            legal_reference=spec.get("legal_reference", "测试依据 第一条"),
        )
    return rules


def _codes_needed(spec):
    """The reference rows a criterion's value names, so the linter finds them."""
    if spec.get("fact") == "qualification":
        return [lambda: qualification_type(spec["value"])]
    if spec.get("fact") == "tag":
        return [lambda: tag(spec["value"])]
    if spec.get("fact") == "region":
        return [lambda code=code: region(code) for code in spec["value"]]
    return []
