"""Writes for matters and their eligibility rules, one function per use case."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from matters.models import Criterion, RuleSet, RuleSetStatus
from portal.org.permissions import grant_to_department, owning_departments

# "谁制定、谁发布": the owning department's editors edit its drafts, its approvers publish them.
OWNER_PERMS = ["view", "change", "delete", "publish"]


def assign_ownership(rule_set: RuleSet, department) -> None:
    """归属部门: `department` owns `rule_set`; its staff view, change, delete and publish it as their roles allow."""
    grant_to_department(rule_set, department, OWNER_PERMS)


@transaction.atomic
def create_rule_set(*, code: str, name: str, department, criteria: list[dict] = ()) -> RuleSet:
    """新建申报条件: a draft, version 1, owned by `department`, with `criteria` (each linted when saved)."""
    rule_set = RuleSet.objects.create(code=code, name=name)
    for position, fields in enumerate(criteria, start=1):
        Criterion.objects.create(rule_set=rule_set, **{"position": position, **fields})
    assign_ownership(rule_set, department)
    return rule_set


@transaction.atomic
def publish_rule_set(rule_set: RuleSet, *, valid_from: dt.date, valid_to: dt.date | None = None, by=None) -> RuleSet:
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
    if by is not None:
        rule_set._history_user = by
    rule_set.save(update_fields=["status", "valid_from", "valid_to", "published_at"])
    return rule_set


@transaction.atomic
def new_rule_version(rule_set: RuleSet) -> RuleSet:
    """新建版本: a draft copy of `rule_set` and its criteria, numbered after the latest version of its code.

    The draft belongs to the departments that own `rule_set`.
    """
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
    for department in owning_departments(rule_set, "view"):
        assign_ownership(draft, department)
    return draft
