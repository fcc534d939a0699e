"""Rule tags (规则标签) follow the profile; a new qualification shows at once; manual tags stay."""

import datetime as dt

import pytest

from enterprises import services
from enterprises.models import ChangeEvent, EnterpriseTag, QualificationType, Size, Tag
from tests.factories.enterprises import EnterpriseFactory, QualificationFactory
from tests.factories.org import CountyFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def rule_tags():
    CountyFactory()
    services.ensure_qualification_types()
    services.ensure_rule_tags()


def rule_keys(enterprise):
    return set(
        EnterpriseTag.objects.filter(enterprise=enterprise, origin="rule").values_list("tag__rule_key", flat=True)
    )


def test_tags_are_derived_from_size_industry_region_and_age():
    enterprise = EnterpriseFactory(size=Size.SMALL, industry_code="C3911", registration_date=dt.date(2024, 1, 10))

    services.refresh_rule_tags([enterprise.pk], today=TODAY)

    assert rule_keys(enterprise) == {"size:small", "section:C", "region:420502", "region:420500", "age:lt3"}


def test_age_bands_are_counted_from_the_registration_date():
    young = EnterpriseFactory(registration_date=dt.date(2023, 6, 2))
    middle = EnterpriseFactory(registration_date=dt.date(2023, 6, 1))
    old = EnterpriseFactory(registration_date=dt.date(2016, 6, 1))

    services.refresh_rule_tags(today=TODAY)

    assert "age:lt3" in rule_keys(young)
    assert "age:3to10" in rule_keys(middle)
    assert "age:gte10" in rule_keys(old)


def test_unknown_size_gives_no_size_tag():
    enterprise = EnterpriseFactory(size=Size.UNKNOWN)

    services.refresh_rule_tags([enterprise.pk], today=TODAY)

    assert not any(key.startswith("size:") for key in rule_keys(enterprise))


def test_a_new_qualification_adds_its_tag_at_once():
    enterprise = EnterpriseFactory()
    hitech = QualificationType.objects.get(code="hitech")

    services.add_qualification(enterprise, hitech, valid_from=dt.date(2025, 12, 1), valid_to=dt.date(2028, 11, 30))

    assert "qualification:hitech" in rule_keys(enterprise)
    assert ChangeEvent.objects.filter(enterprise=enterprise, kind="qualification").exists()
    assert "qualification-hitech" in ChangeEvent.objects.get(enterprise=enterprise, kind="tags").payload["added"]


def test_an_expired_qualification_loses_its_tag_in_the_nightly_run():
    enterprise = EnterpriseFactory()
    QualificationFactory(enterprise=enterprise, valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2025, 12, 31))
    services.refresh_rule_tags(today=dt.date(2025, 12, 31))
    assert "qualification:hitech" in rule_keys(enterprise)

    services.refresh_rule_tags(today=dt.date(2026, 1, 1))

    assert "qualification:hitech" not in rule_keys(enterprise)
    assert ChangeEvent.objects.filter(enterprise=enterprise, kind="tags", payload__removed=["qualification-hitech"])


def test_a_second_refresh_changes_nothing_and_records_no_event():
    EnterpriseFactory.create_batch(3)
    assert services.refresh_rule_tags(today=TODAY) == 3
    events = ChangeEvent.objects.count()

    assert services.refresh_rule_tags(today=TODAY) == 0
    assert ChangeEvent.objects.count() == events


def test_refresh_for_one_enterprise_leaves_the_others_alone():
    target, other = EnterpriseFactory(), EnterpriseFactory()

    services.refresh_rule_tags([target.pk], today=TODAY)

    assert rule_keys(target)
    assert rule_keys(other) == set()


def test_a_changed_industry_moves_the_section_tag():
    enterprise = EnterpriseFactory(industry_code="C3911")
    services.refresh_rule_tags([enterprise.pk], today=TODAY)

    services.update_profile(enterprise, {"industry_code": "I6513"}, source="market_regulation")

    keys = rule_keys(enterprise)
    assert "section:I" in keys
    assert "section:C" not in keys


def test_manual_tags_keep_who_and_why_and_survive_a_refresh(django_user_model):
    from tests.factories.accounts import StaffUserFactory

    staff = StaffUserFactory()
    category = Tag.objects.get(rule_key="size:small").category
    tag = Tag.objects.create(category=category, code="key-project", name="重点项目企业")
    enterprise = EnterpriseFactory()

    services.add_manual_tag(enterprise, tag, user=staff, reason="列入市级重点项目库")
    services.refresh_rule_tags(today=TODAY)

    manual = EnterpriseTag.objects.get(enterprise=enterprise, tag=tag)
    assert (manual.origin, manual.added_by, manual.reason) == ("manual", staff, "列入市级重点项目库")


def test_a_rule_tag_cannot_be_added_by_hand():
    from django.core.exceptions import ValidationError

    from tests.factories.accounts import StaffUserFactory

    with pytest.raises(ValidationError, match="规则自动维护"):
        services.add_manual_tag(
            EnterpriseFactory(), Tag.objects.get(rule_key="size:small"), user=StaffUserFactory(), reason="试试"
        )


def test_the_nightly_task_creates_missing_rule_tags_and_refreshes():
    from enterprises.tasks import refresh_rule_tags

    enterprise = EnterpriseFactory(size=Size.MEDIUM)
    Tag.objects.filter(rule_key="size:medium").delete()

    refresh_rule_tags()

    assert "size:medium" in rule_keys(enterprise)
