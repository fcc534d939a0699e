"""Writes for matters and their eligibility rules, one function per use case."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from matters.models import Criterion, RuleSet, RuleSetStatus


@transaction.atomic
def publish_rule_set(rule_set: RuleSet, *, valid_from: dt.date, valid_to: dt.date | None = None) -> RuleSet:
    """发布申报条件版本: from then on it is frozen; every criterion is linted once more first."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.is_published:
        raise ValidationError(_("该申报条件版本已发布"))
    if valid_to and valid_to < valid_from:
        raise ValidationError(_("失效日期不能早于生效日期"))
    for criterion in rule_set.criteria.all():
        criterion.full_clean()
    rule_set.status = RuleSetStatus.PUBLISHED
    rule_set.valid_from, rule_set.valid_to = valid_from, valid_to
    rule_set.published_at = timezone.now()
    rule_set.save(update_fields=["status", "valid_from", "valid_to", "published_at"])
    return rule_set


@transaction.atomic
def new_rule_version(rule_set: RuleSet) -> RuleSet:
    """新建版本: a draft copy of `rule_set` and its criteria, numbered after the latest version of its code."""
    latest = RuleSet.objects.select_for_update().filter(code=rule_set.code).aggregate(n=Max("version"))["n"]
    draft = RuleSet.objects.create(code=rule_set.code, name=rule_set.name, version=latest + 1)
    for criterion in rule_set.criteria.all():
        Criterion.objects.create(
            rule_set=draft,
            position=criterion.position,
            fact=criterion.fact,
            operator=criterion.operator,
            value=criterion.value,
            group=criterion.group,
            message=criterion.message,
            legal_reference=criterion.legal_reference,
            manual=criterion.manual,
        )
    return draft
