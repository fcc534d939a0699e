"""政策抒见互动区 (无锡 §6、§22): asking, moderating, answering and promoting questions.

Personal data (个人信息) in a public question is found by `find_personal_data` and replaced by `HIDDEN` in the
public text (`redact`); the original is kept encrypted on the question for the moderators. What counts, after
full-width digits are folded (`portal.core.normalize.fold` per character, so positions stay those of the text as
typed) and single spaces or hyphens between digits are read as part of the number:

- 手机号: 11 digits 1[3-9]…, optionally after +86 / 86 / 0086;
- 固定电话: an area code 0xx or 0xxx and 7–8 digits (10–12 digits opening with 0), or "(0717)6221234";
- 身份证号: 18 characters, 17 digits (the 7th–14th a plausible birth date) and a digit or X;
- 银行卡号: 16–19 digits;
- 电子邮箱: name@domain.tld;
- 姓名 (`_names`), conservatively — a moderator reads every question anyway, and hiding 市场经理 or 班主任老师
  would garble the question:
  * a surname and a form of address: 王经理, 张先生, 李女士, 刘总, 陈老师, 赵主任, 欧阳先生 (also 陈总经理). The
    surname is one of the common ones (`SURNAMES`, compound ones like 欧阳 included). Surnames that are also
    everyday word endings (`AMBIGUOUS_SURNAMES`: 高 金 方 于 任 史 谢 …, as in 资金、班主任、历史老师、感谢老师)
    count only at the start of the text, after a non-Han character, or after a lead-in
    (联系人 联系 找 致电 咨询 请 向 与 和 给 是). 总 counts only when no Han character follows (刘总，/ 刘总。) or
    电话/手机/联系 does, so 资金总额、本周总结 stay;
  * after 联系人 (optionally ：/:), the 2–3 Han characters of a name starting with a surname and followed by a
    non-Han character, the end, 电话 or 手机: 联系人：张三，… / 联系人张三丰 ; 联系人电话、联系人变更 stay.
  A form of address alone (经理、老师、项目经理、市场经理、总经理) is never hidden.

Errors: `ValidationError` / `PermissionDenied` / `TransitionNotAllowed` with Chinese messages, never a 500.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appeals.interaction_workflow import QUESTION  # noqa: F401 - registers the workflow
from appeals.models_interaction import PersonalDataKind, Question, QuestionState
from portal.core import normalize
from portal.core.workflow import perform

HIDDEN = "［已隐去］"
REDACTION_NOTICE = gettext_lazy("您的提问含有手机号等个人信息，公开时将隐去，并经审核后公开")

K = PersonalDataKind

# A run of digits in which single spaces or hyphens may separate groups, optionally ending in X (ID numbers).
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])\+?[0-9]+(?:[ \-][0-9]+)*[Xx]?(?![0-9A-Za-z])")
_BRACKETED_LANDLINE = re.compile(r"\(0[0-9]{2,3}\)[ \-]?[0-9]{7,8}(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_MOBILE = re.compile(r"^(?:\+?86|0086)?1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}[0-9]{7,8}$")
_ID = re.compile(r"^[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]$")
_CARD = re.compile(r"^[0-9]{16,19}$")

# Common surnames (姓). Those that also end everyday words are AMBIGUOUS: they need a lead-in (see the docstring).
COMPOUND_SURNAMES = ("欧阳", "上官", "司马", "司徒", "诸葛", "慕容", "皇甫", "令狐", "夏侯", "公孙", "长孙", "宇文")
AMBIGUOUS_SURNAMES = "高金方于任史谢程何石江龙万常向白文马田林易乔余齐安康左原单和包"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡郭罗郑梁宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡杜叶苏魏吕丁沈姚卢姜崔钟谭陆汪范"
    "廖贾夏韦付傅邹孟熊秦邱尹薛闫阎段雷侯陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤殷柳俞倪鲍葛庞骆蒲邢岳"
)
_HAN = "\u4e00-\u9fff"
_TITLES = rf"(?:总经理|先生|女士|经理|老师|主任|总(?![{_HAN}])|总(?=电话|手机|联系))"
_LEAD_INS = ("联系人：", "联系人:", "联系人", "联系", "找", "致电", "咨询", "请", "向", "与", "和", "给", "是")
_AFTER_LEAD_IN = "|".join([f"(?<={word})" for word in _LEAD_INS] + [f"(?<![{_HAN}])"])
_NAME_WITH_TITLE = re.compile(
    rf"(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}]|(?:{_AFTER_LEAD_IN})[{AMBIGUOUS_SURNAMES}]){_TITLES}"
)
_CONTACT_NAME = re.compile(
    rf"(?:(?:(?<=联系人：)|(?<=联系人:)|(?<=联系人: )|(?<=联系人： ))[{SURNAMES}{AMBIGUOUS_SURNAMES}]"
    rf"|(?<=联系人)[{SURNAMES}])[{_HAN}]{{1,2}}?(?=$|[^{_HAN}]|电话|手机)"
)


@dataclass(frozen=True)
class Found:
    """One piece of personal data: its kind and its span [start, end) in the text as typed."""

    kind: str
    start: int
    end: int


def _fold_chars(text: str) -> str:
    """The text with each character folded on its own (full-width ０–９, ＋, －, （, ＠ … to ASCII), same length."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) != 1:
            folded = ch
        out.append(normalize._MINUS.get(ord(folded), folded))
    return "".join(out)


def _classify(number: str) -> str | None:
    compact = number.replace(" ", "").replace("-", "").upper()
    if _ID.match(compact):
        return K.ID_NUMBER
    if _MOBILE.match(compact):
        return K.MOBILE
    if _LANDLINE.match(compact):
        return K.LANDLINE
    if _CARD.match(compact):
        return K.BANK_CARD
    return None


def _groups(run: str, offset: int) -> list[tuple[int, int]]:
    """The (start, end) of each digit group of a run, in text positions."""
    return [(offset + m.start(), offset + m.end()) for m in re.finditer(r"\+?[0-9]+[Xx]?", run)]


def _in_run(folded: str, start: int, end: int) -> list[Found]:
    """Personal data among the groups of one digit run: the longest classifiable stretch of groups first, left to
    right, so "13800138000 2026" is a phone and a year, and "138 0013 8000" one phone."""
    groups = _groups(folded[start:end], start)
    found, i = [], 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            kind = _classify(folded[groups[i][0] : groups[j - 1][1]])
            if kind:
                found.append(Found(kind, groups[i][0], groups[j - 1][1]))
                i = j
                break
        else:
            i += 1
    return found


def find_personal_data(text: str) -> list[Found]:
    """Every piece of personal data in `text`, in order, without overlaps."""
    if not text:
        return []
    folded = _fold_chars(text)
    found: list[Found] = []
    taken = [False] * len(text)

    def add(item: Found) -> None:
        if not any(taken[item.start : item.end]):
            found.append(item)
            for i in range(item.start, item.end):
                taken[i] = True

    for match in _EMAIL.finditer(folded):
        add(Found(K.EMAIL, match.start(), match.end()))
    for match in _BRACKETED_LANDLINE.finditer(folded):
        add(Found(K.LANDLINE, match.start(), match.end()))
    for match in _DIGIT_RUN.finditer(folded):
        for item in _in_run(folded, match.start(), match.end()):
            add(item)
    for pattern in (_CONTACT_NAME, _NAME_WITH_TITLE):
        for match in pattern.finditer(text):
            add(Found(K.NAME, match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def redact(text: str) -> tuple[str, list[str]]:
    """The text with every piece of personal data replaced by HIDDEN, and the kinds found (each once, in order)."""
    items = find_personal_data(text)
    out, last = [], 0
    for item in items:
        out.append(text[last : item.start])
        out.append(HIDDEN)
        last = item.end
    out.append(text[last:])
    return "".join(out), list(dict.fromkeys(str(item.kind) for item in items))


def kinds_label(kinds) -> str:
    """「手机号、身份证号」."""
    labels = dict(PersonalDataKind.choices)
    return "、".join(str(labels.get(k, k)) for k in kinds)


# --- asking ----------------------------------------------------------------------------------------


TITLE_MAX = 100
CONTENT_MIN = 10
CONTENT_MAX = 2000


def may_ask(user) -> bool:
    """Enterprise users (not staff) with an enterprise may ask."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and not user.is_staff
        and user.enterprise_memberships.exists()
    )


def check_text(title: str, content: str) -> tuple[str, str]:
    """The title and content normalised, or ValidationError (by field) in Chinese."""
    title = " ".join(normalize.prose(title).split())
    content = normalize.prose(content)
    errors = {}
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("标题不能超过%(n)d个字。") % {"n": TITLE_MAX}
    if len(content) < CONTENT_MIN:
        errors["content"] = _("请把问题写清楚（不少于%(n)d个字）。") % {"n": CONTENT_MIN}
    elif len(content) > CONTENT_MAX:
        errors["content"] = _("提问内容不能超过%(n)d个字。") % {"n": CONTENT_MAX}
    if errors:
        raise ValidationError(errors)
    return title, content


def ask(*, asker, title: str, content: str, policy=None, matter=None) -> Question:
    """A new question waiting for moderation; personal data hidden in the public text, the original kept encrypted.

    Raises PermissionDenied for anyone but an enterprise user, ValidationError for an empty or too long text.
    """
    if not may_ask(asker):
        raise PermissionDenied(_("请使用企业账号登录后提问。"))
    title, content = check_text(title, content)
    public_title, title_kinds = redact(title)
    public_content, content_kinds = redact(content)
    kinds = list(dict.fromkeys([*title_kinds, *content_kinds]))
    if matter is not None and policy is None:
        policy = matter.policy
    membership = asker.enterprise_memberships.select_related("enterprise").first()
    question = Question(
        asker=asker,
        enterprise=membership.enterprise if membership else None,
        policy=policy,
        matter=matter,
        title=public_title[:TITLE_MAX],
        content=public_content,
        original_title=title if kinds else "",
        original_content=content if kinds else "",
        personal_data=kinds,
    )
    question._history_user = asker
    question.save()
    return question


# --- who -------------------------------------------------------------------------------------------


def is_moderator(user, question=None) -> bool:
    """An operator (Role.OPERATOR) of an operations centre (城运中心（12345）)."""
    from appeals.workflow import is_centre_operator

    return is_centre_operator(user, None)


def answering_departments(question) -> list:
    """The departments that answer `question`: the related matter's and the related policy's lead department."""
    departments = []
    if question.matter_id:
        departments.append(question.matter.department)
    if question.policy_id:
        departments.append(question.policy.lead_department)
    return list({d.pk: d for d in departments}.values())


def answering_department_of(user, question):
    """The department `user` answers for (a handler of an answering department, else an operator's centre), or None."""
    from appeals.workflow import HANDLER_ROLES
    from portal.org.models import Role

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return None
    if question is not None:
        ids = [d.pk for d in answering_departments(question)]
        membership = user.memberships.filter(role__in=HANDLER_ROLES, department_id__in=ids).first()
        if membership:
            return membership.department
    membership = user.memberships.filter(role=Role.OPERATOR, department__kind="operations").first()
    return membership.department if membership else None


def may_answer(user, question=None) -> bool:
    """A reviewer or approver of the related matter's or policy's department, or an operations-centre operator;
    with question=None: of some question."""
    from appeals.workflow import HANDLER_ROLES

    if question is None:
        return bool(user and getattr(user, "is_authenticated", False) and user.is_staff) and (
            is_moderator(user) or user.memberships.filter(role__in=HANDLER_ROLES).exists()
        )
    return answering_department_of(user, question) is not None


NOT_PROMOTER = gettext_lazy("只有相关部门或城运中心的工作人员可以把答复转为常见问题。")


def may_promote(user, question) -> bool:
    """Who may copy an answered question into a FAQ: who may answer it (its departments' handlers, the centre's
    operators)."""
    return may_answer(user, question)


def visible_to(user):
    """The questions a member of staff sees in the back office: all for moderators, supervisors and platform
    admins; for the others, the public questions about their departments' policies and matters."""
    from django.db.models import Q

    from portal.org.models import Role

    if (
        is_moderator(user)
        or user.is_superuser
        or user.memberships.filter(role__in=[Role.SUPERVISOR, Role.ADMIN]).exists()
    ):
        return Question.objects.all()
    ids = list(user.memberships.values_list("department_id", flat=True))
    return Question.objects.filter(Q(policy__lead_department_id__in=ids) | Q(matter__department_id__in=ids)).exclude(
        status=QuestionState.SUBMITTED
    )


def public_questions():
    return Question.objects.filter(status__in=[QuestionState.PUBLISHED, QuestionState.ANSWERED])


# --- promoting an answer into a FAQ -----------------------------------------------------------------

TARGET_MATTER = "matter"
TARGET_POLICY = "policy"


def promotion_targets(question) -> list[str]:
    targets = []
    if question.matter_id:
        targets.append(TARGET_MATTER)
    if question.policy_id:
        targets.append(TARGET_POLICY)
    return targets


def promote(question, *, by, target: str | None = None, faq_question: str = "", faq_answer: str = ""):
    """Copy an answered question into the related matter's or policy's FAQ; returns the new FAQ row.

    `target` is "matter" or "policy" (needed only when the question has both). Only who may answer the question
    may promote it. Refusals: PermissionDenied, ValidationError (Chinese).
    """
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.status != QuestionState.ANSWERED:
            raise ValidationError(_("只有已答复的提问才能转为常见问题。"), code="not_answered")
        if question.promoted:
            raise ValidationError(_("该提问已转为常见问题，不能重复转入。"), code="promoted")
        if not may_promote(by, question):
            raise PermissionDenied(NOT_PROMOTER)
        targets = promotion_targets(question)
        if not targets:
            raise ValidationError(_("该提问没有关联事项或政策，无法转为常见问题。"), code="no_target")
        if target is None and len(targets) == 1:
            target = targets[0]
        if target not in targets:
            raise ValidationError({"target": _("请选择转入事项还是政策的常见问题。")}, code="choose_target")
        if target == TARGET_MATTER:
            faq = add_faq(question.matter, faq_question or question.title, faq_answer or question.answer, by=by)
            question.matter_faq = faq
        else:
            faq = add_faq(question.policy, faq_question or question.title, faq_answer or question.answer, by=by)
            question.policy_faq = faq
        question.promoted_by = by
        question.promoted_at = timezone.now()
        question._history_user = by
        question._change_reason = _("转为常见问题")
        question.save()
    return faq


def add_faq(owner, question: str, answer: str, *, by, reason: str = ""):
    """Appends a FAQ to `owner`'s list (a matter's `MatterFAQ`, a policy's `PolicyFAQ`: `owner.faqs`), its text
    normalised and free of personal data (ValidationError otherwise); returns the saved FAQ. Shared by every
    place an answer becomes a FAQ (the interaction area, the consultation sessions)."""
    question = " ".join(normalize.prose(question).split())
    answer = normalize.prose(answer)
    _still_clean(question, answer)
    position = (owner.faqs.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    faq = owner.faqs.model(**{owner.faqs.field.name: owner}, position=position, question=question[:300], answer=answer)
    faq._history_user = by
    faq._change_reason = reason or _("由互动区提问转入")
    faq.save()
    return faq


def _still_clean(*texts: str) -> None:
    for text in texts:
        found = find_personal_data(text)
        if found:
            raise ValidationError(
                _("常见问题将公开展示，请先删去其中的个人信息（%(kinds)s）。")
                % {"kinds": kinds_label(dict.fromkeys(f.kind for f in found))},
                code="personal_data",
            )


# --- transitions, as the screens call them -----------------------------------------------------------


def publish(question, *, by, note: str = ""):
    return perform(question, "publish", by=by, reason=note)


def reject(question, *, by, reason: str):
    return perform(question, "reject", by=by, reason=reason)


def answer(question, *, by, text: str):
    return perform(question, "answer", by=by, reason=text)


def search_snippet(results, text: str):
    """A highlighted passage of `text` for the words of a search (the answer of a question, not its whole body)."""
    from portal.search.query import snippet

    return snippet(text, results.query.highlight_words, results.query.fallback_words)
