"""Writes for matters and their eligibility rules, one function per use case.

The matter lifecycle's guards and effects (`check_complete`, `on_publish` …)
live here; `matters.workflow` is the table that names them.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from matters.models import Criterion, DeliveryKind, Matter, NearDuplicateName, RuleSet, RuleSetStatus, WindowKind
from portal import workdays
from portal.core import normalize
from portal.core.workflow import Step
from portal.org.permissions import grant_to_department, owning_departments
from portal.workcalendar import clocks
from portal.workcalendar.models import Clock

PERM_SUBMIT = "matters.submit_matter"
PERM_APPROVE = "matters.approve_matter"
PERM_PUSH = "matters.push_matter"
# 宜昌 §20 / 常州 §11: a guide is public at least 5 working days before its window opens.
GUIDE_LEAD_DAYS = 5
WINDOW_CLOCK = "matter_window_announce"
MATTER_OWNER_PERMS = ["view", "change", "delete", "submit", "approve", "push"]

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
    draft = RuleSet.objects.create(
        code=rule_set.code, name=rule_set.name, version=latest + 1, matter_id=rule_set.matter_id
    )
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


def assign_matter_ownership(matter: Matter, department) -> None:
    """归属部门 (谁梳理、谁发布): `department` owns `matter`; its staff act on it as their roles allow."""
    grant_to_department(matter, department, MATTER_OWNER_PERMS)


def guide_due_on(matter: Matter) -> dt.date | None:
    """指南最迟公开日: 5 working days before the window opens (宜昌 §20), None without an opening day."""
    if matter.window_opens is None:
        return None
    return workdays.add_workdays(matter.window_opens, -GUIDE_LEAD_DAYS)


def check_guide_lead_time(matter: Matter, today: dt.date) -> None:
    """A window opening fewer than 5 working days after `today` is refused (宜昌 §20), with the last good day."""
    due = guide_due_on(matter)
    if due is not None and today > due:
        raise ValidationError(
            {
                "window_opens": _(
                    "申报指南须最迟于申报起始日前5个工作日公开（宜昌 §20）：起始日%(opens)s距今仅%(n)d个工作日，"
                    "最迟应于%(due)s公开。请推迟申报起始日（最早可设为%(earliest)s）。"
                )
                % {
                    "opens": matter.window_opens.isoformat(),
                    "n": max(workdays.workdays_between(today, matter.window_opens), 0),
                    "due": due.isoformat(),
                    "earliest": workdays.add_workdays(today, GUIDE_LEAD_DAYS).isoformat(),
                }
            }
        )


def current_rule_set(matter: Matter) -> RuleSet | None:
    """The matter's latest rule version, draft or published."""
    return matter.rule_sets.order_by("-version").first()


def check_complete(step: Step) -> None:
    """提交审核: the guide is complete (宜昌 §23, 常州 §14) and the window leaves 5 working days (§20)."""
    matter = step.obj
    matter.full_clean()
    errors = []
    rule_set = current_rule_set(matter)
    if rule_set is None or not rule_set.criteria.exists():
        errors.append(_("请先编写申报条件（至少一条）。"))
    if not matter.steps.exists():
        errors.append(_("请填写申报流程（至少一个环节，含审核部门和办理时限）。"))
    if matter.delivery_kind != DeliveryKind.AUTOMATIC and not matter.materials.exists():
        errors.append(_("请填写申报材料（至少一项）；免申即享事项可不填。"))
    if errors:
        raise ValidationError(errors)
    check_guide_lead_time(matter, timezone.localdate(step.at))


def on_submit(step: Step) -> None:
    step.obj.guide_due_on = guide_due_on(step.obj)


def check_publishable(step: Step) -> None:
    """上架: never once the window has closed."""
    matter = step.obj
    today = timezone.localdate(step.at)
    if matter.window_kind == WindowKind.FIXED and matter.window_closes and matter.window_closes < today:
        raise ValidationError(_("申报期已于%(day)s截止，不能上架。") % {"day": matter.window_closes.isoformat()})


def on_publish(step: Step) -> None:
    """上架: records when, and whether later than 5 working days before the window (§20); publishes the rules."""
    matter = step.obj
    today = timezone.localdate(step.at)
    matter.published_at = step.at
    matter.guide_due_on = guide_due_on(matter)
    matter.guide_published_late = bool(matter.guide_due_on and today > matter.guide_due_on)
    if matter.guide_published_late:
        step.history = _("上架（指南逾期公开）")
    rule_set = current_rule_set(matter)
    if rule_set is not None and not rule_set.is_published:
        # The day the editor set stands when it is still ahead; a day already past becomes today.
        valid_from = max(rule_set.valid_from, today) if rule_set.valid_from else today
        publish_rule_set(rule_set, valid_from=valid_from, valid_to=rule_set.valid_to, by=step.by)


def window_closed(matter: Matter, today: dt.date) -> bool:
    return matter.window_kind == WindowKind.FIXED and matter.window_closes is not None and matter.window_closes < today


def close_ended_windows(today: dt.date | None = None) -> int:
    """Daily: every published matter whose fixed window has closed goes to 已截止; a failing one is logged."""
    import logging

    from portal.core.workflow import perform

    today = today or timezone.localdate()
    closed = 0
    for matter in Matter.objects.filter(
        status=Matter.Status.PUBLISHED, window_kind=WindowKind.FIXED, window_closes__lt=today
    ):
        try:
            perform(matter, "close", by=None)
            closed += 1
        except Exception:
            logging.getLogger(__name__).exception("closing matter %s failed", matter.pk)
    return closed


# --- one matter, one name (宜昌 §22, 常州 §13) ---

# fuzz.ratio (0–100) from which two normalised names may be the same matter, so the editor must confirm.
# The same matter retyped (“首次认定奖励” / “首次认定的奖励”, 無錫 / 无锡, full-width brackets) scores 90–100.
# Distinct grades of one reward score as high: among the 106 demo matters the closest distinct pair
# (“…取得技师职业资格奖励” / “…取得高级技师职业资格奖励”) scores 94.7 and five pairs score 88–95. That is
# why a close name asks for a confirmation (确认不是同一事项) instead of being refused.
NEAR_DUPLICATE_SCORE = 88
_NAME_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    """A matter name as it is compared: NFKC (`portal.core.normalize.fold`), traditional folded to simplified
    and lower-cased (the search's `normalise`, OpenCC t2s), punctuation and spaces removed.

    "宜昌市 高新技术企业（首次认定）奖励" and "宜昌市高新技術企業(首次認定)獎勵" have one key.
    """
    from portal.search.segment import normalise

    return _NAME_NOISE.sub("", normalise(normalize.fold(name)))


@dataclass(frozen=True)
class NearDuplicate:
    matter: Matter
    score: float  # fuzz.ratio of the two name keys, 0–100


def near_duplicates(name: str, *, exclude_pk=None, limit: int = 3) -> list[NearDuplicate]:
    """Existing matters whose name is close to `name` (fuzz.ratio of the name keys ≥ NEAR_DUPLICATE_SCORE),
    closest first, at most `limit`. Every matter counts, whatever its department or status: a catalogue
    gives one name to one matter platform-wide (宜昌 §22, 常州 §13)."""
    from rapidfuzz import fuzz, process

    key = name_key(name)
    if not key:
        return []
    rows = Matter.objects.exclude(pk=exclude_pk).values_list("pk", "name")
    choices = {pk: name_key(other) for pk, other in rows}
    found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_SCORE, limit=limit)
    by_pk = Matter.objects.in_bulk([pk for _choice, _score, pk in found])
    return [NearDuplicate(by_pk[pk], round(score, 1)) for _choice, score, pk in found if pk in by_pk]


def near_duplicate_pairs(rows) -> list[tuple[int, int, Decimal]]:
    """Pairs of near-duplicate names within a region (疑似重复事项名称), from `rows` of (pk, region id, name).

    Each matter is compared with the earlier matters (lower pk) of its region, by fuzz.ratio of the name keys
    (`name_key`: NFKC, traditional to simplified, punctuation and spaces removed), the same rule and cut-off
    (`NEAR_DUPLICATE_SCORE`) as the editor's warning; a pair scoring at least the cut-off is
    (later pk, earlier pk, score rounded to 0.1). Matters of different regions are never paired: a city's and a
    county's "高新技术企业认定奖励" are two matters.
    """
    from rapidfuzz import fuzz, process

    by_region: dict = defaultdict(list)
    for pk, region_id, name in sorted(rows, key=lambda row: row[0]):
        key = name_key(name)
        if key:
            by_region[region_id].append((pk, key))
    pairs = []
    for matters in by_region.values():
        for position, (pk, key) in enumerate(matters):
            earlier = dict(matters[:position])
            found = process.extract(key, earlier, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_SCORE, limit=None)
            for _choice, score, other in found:
                pairs.append((pk, other, Decimal(str(score)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)))
    return sorted(pairs)


def flag_near_duplicate_names(now: dt.datetime | None = None) -> int:
    """Rewrites the suspected duplicate names (`NearDuplicateName`) of the public catalogue (已上架、已截止):
    pairs no longer found go, new pairs come with `found_at` = now, pairs still found keep theirs (their score
    follows the names). Daily by beat (`matters.flag_near_duplicate_names`); returns how many pairs there are."""
    now = now or timezone.now()
    rows = Matter.objects.filter(status__in=Matter.PUBLIC_STATUSES).values_list("pk", "region_id", "name")
    found = {(pk, other): score for pk, other, score in near_duplicate_pairs(rows)}
    with transaction.atomic():
        kept = {(row.matter_id, row.similar_to_id): row for row in NearDuplicateName.objects.select_for_update()}
        NearDuplicateName.objects.filter(pk__in=[row.pk for pair, row in kept.items() if pair not in found]).delete()
        changed = [row for pair, row in kept.items() if pair in found and row.score != found[pair]]
        for row in changed:
            row.score = found[(row.matter_id, row.similar_to_id)]
        NearDuplicateName.objects.bulk_update(changed, ["score"])
        NearDuplicateName.objects.bulk_create(
            [
                NearDuplicateName(matter_id=pk, similar_to_id=other, score=score, found_at=now)
                for (pk, other), score in found.items()
                if (pk, other) not in kept
            ],
            ignore_conflicts=True,
        )
    return len(found)


# --- 期限待定 (无锡 §11): a window, once decided, is announced within 3 working days ---


def window_clock(matter: Matter):
    """The running 申报期公布时限 clock of `matter`, or None (not decided yet, or already announced)."""
    if matter.pk is None:
        return None
    return clocks.of(matter, WINDOW_CLOCK).exclude(state=Clock.State.STOPPED).first()


def window_clock_running() -> Exists:
    """A condition on matters: their 申报期公布时限 clock runs (decided, not yet announced)."""
    return Exists(
        Clock.objects.filter(
            content_type=ContentType.objects.get_for_model(Matter), object_id=OuterRef("pk"), kind=WINDOW_CLOCK
        ).exclude(state=Clock.State.STOPPED)
    )


def earliest_window_opening(today: dt.date) -> dt.date:
    """The first day a window may open when its guide goes public `today`: 5 working days later (宜昌 §20)."""
    return workdays.add_workdays(today, GUIDE_LEAD_DAYS)


def window_announcement_pending(matter: Matter) -> bool:
    """A TBD window has been decided (its clock runs) and is not yet announced."""
    return matter.window_kind == WindowKind.TBD and window_clock(matter) is not None


def record_window_decision(matter: Matter, *, by=None):
    """确定申报期限: once a TBD matter's `window_decided_on` is entered, the 3-working-day clock to announce it
    (无锡 §11) starts from that day. Returns the clock started, or None when nothing starts: not TBD, no decision
    day, a clock already running, or this decision already announced (a clock from that day stopped)."""
    if matter.window_kind != WindowKind.TBD or matter.window_decided_on is None:
        return None
    existing = clocks.of(matter, WINDOW_CLOCK)
    if existing.exclude(state=Clock.State.STOPPED).exists():
        return None
    if existing.filter(started_on=matter.window_decided_on).exists():
        return None
    return clocks.start(matter, WINDOW_CLOCK, on=matter.window_decided_on, by=by)


def check_window_announceable(step: Step) -> None:
    """公布申报期限: only a decided, not yet announced TBD window with its opening day, still leaving the guide its
    5 working days (宜昌 §20)."""
    matter = step.obj
    if not window_announcement_pending(matter):
        raise ValidationError(_("该事项没有待公布的申报期限：期限待定的事项须先由录入员填写申报期限确定日期。"))
    if matter.window_opens is None:
        raise ValidationError(_("请先填写申报起始日。"))
    check_guide_lead_time(matter, timezone.localdate(step.at))


def on_announce_window(step: Step) -> None:
    matter = step.obj
    matter.guide_due_on = guide_due_on(matter)
    closes = matter.window_closes.isoformat() if matter.window_closes else _("另行通知")
    step.history = _("公布申报期限：%(opens)s至%(closes)s") % {
        "opens": matter.window_opens.isoformat(),
        "closes": closes,
    }
