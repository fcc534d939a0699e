"""智能问答 (宜昌 §25、常州 §16): a question typed in the portal answered from the portal's own knowledge.

`answer(text)` searches, with the policy search's own ranking (`portal.search.query.search`), the FAQs of public
matters and policies (kind "faq") and the answered public questions of the interaction area (kind "question"),
and returns the best few, each with WHERE IT COMES FROM (a matter's or a policy's FAQ, or the interaction area with
the answering department and date), a link, and the related policy and matter; public policies matching the
question are offered as 相关政策. No external AI service is asked.

When nothing fits the reply says so and offers to turn the question into an appeal (转为诉求, a consultation
prefilled with the question); under answers, 转为诉求 also carries the best answer's matter and policy (ids).

What "fits" (`FITS_RANK`): the search found a document holding every content word of the question; when no
document holds them all, the search falls back to documents holding most of them (`SearchResults.broadened`), and
such a hit fits only if its rank is at least FITS_RANK = 1.0 — the ranking adds 1 when the title (the FAQ's
question) holds the words it was found by, and the body alone ranks below 1 (`ts_rank_cd` normalised into
[0, 1)) — so "an answer that merely mentions some of the words" is not offered as the answer to the question.

Nothing typed is stored: a per-day count of questions and of unanswered ones is kept in the cache for dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from appeals.interaction import search_snippet
from appeals.models_interaction import Question, QuestionState
from portal.core import normalize
from portal.search.query import clean_query, search

ANSWER_COUNT = 3
POLICY_COUNT = 3
CANDIDATES = 8
FITS_RANK = 1.0
QUESTION_MAX = 500
COUNT_KEY = "qa:asked:{day}:{what}"

# The example questions the page offers (试试这样问), each answered by the demo knowledge base: a matter FAQ
# (matters/demo.py THEME_FAQS), the interaction area's answer promoted into a matter FAQ and an answer of the
# interaction area (appeals/demo.py QUESTIONS). Chinese in every language: the knowledge base is Chinese.
EXAMPLES = (
    "高新技术企业证书还在公示期，可以申报吗？",
    "研发投入补助按哪一年的研发费用计算？",
    "高新技术企业认定奖励需要重复申报吗？",
)


@dataclass
class Link:
    title: str
    url: str
    pk: int | None = None


@dataclass
class Answer:
    """One answer: the question it answers, a highlighted passage of the answer, where it comes from."""

    question_html: SafeString
    answer_html: SafeString
    source: str  # 来自：事项“…”的常见问题
    source_url: str
    kind: str  # "matter_faq" | "policy_faq" | "question"
    rank: float
    policy: Link | None = None
    matter: Link | None = None
    plain: str = ""  # the whole answer as written, to recognise the same answer from two sources


@dataclass
class Reply:
    question: str
    answers: list[Answer] = field(default_factory=list)
    policies: list[Link] = field(default_factory=list)
    policy_hits: list = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return bool(self.answers)

    @property
    def appeal_url(self) -> str:
        """转为诉求: with the best answer's matter and policy when there is one."""
        best = self.answers[0] if self.answers else None
        return appeal_url(
            self.question,
            matter=best.matter.pk if best and best.matter else None,
            policy=best.policy.pk if best and best.policy else None,
        )


def appeal_url(question: str, *, matter: int | None = None, policy: int | None = None) -> str:
    """The appeal form prefilled as a consultation with the question (转为诉求), and the related matter and policy
    (ids; the form takes them as `matter` and `policy`) when known."""
    question = (question or "").strip()
    params = {"kind": "consultation", "title": question[:100], "content": question}
    if matter is not None:
        params["matter"] = matter
    if policy is not None:
        params["policy"] = policy
    return f"{reverse('appeals:new')}?{urlencode(params)}"


def _fits(results, hit) -> bool:
    return not results.broadened or hit.rank >= FITS_RANK


def _link(obj) -> Link | None:
    if obj is None:
        return None
    title = getattr(obj, "title", None) or getattr(obj, "name", "")
    return Link(title=title, url=obj.get_absolute_url(), pk=obj.pk)


def _faq_answers(text: str) -> list[Answer]:
    from matters.models import MatterFAQ
    from policies.models import PolicyFAQ

    results = search(text, kind="faq")
    hits = [h for h in results[:CANDIDATES] if _fits(results, h)]
    by_model = {"matter": [], "policy": []}
    for hit in hits:
        by_model[hit.document.facets.get("source", "matter")].append(hit.object_id)
    matter_faqs = MatterFAQ.objects.select_related("matter__policy").in_bulk(by_model["matter"])
    policy_faqs = PolicyFAQ.objects.select_related("policy").in_bulk(by_model["policy"])
    answers = []
    for hit in hits:
        if hit.document.facets.get("source") == "policy":
            faq = policy_faqs.get(hit.object_id)
            if faq is None or not faq.policy.is_public:
                continue
            answers.append(
                Answer(
                    question_html=hit.title_html,
                    answer_html=hit.snippet_html,
                    source=_("来自：政策“%(title)s”的常见问题") % {"title": faq.policy.title},
                    source_url=hit.document.url,
                    kind="policy_faq",
                    rank=hit.rank,
                    policy=_link(faq.policy),
                    plain=faq.answer,
                )
            )
        else:
            faq = matter_faqs.get(hit.object_id)
            if faq is None or not faq.matter.is_public:
                continue
            policy = faq.matter.policy if faq.matter.policy.is_public else None
            answers.append(
                Answer(
                    question_html=hit.title_html,
                    answer_html=hit.snippet_html,
                    source=_("来自：事项“%(name)s”的常见问题") % {"name": faq.matter.name},
                    source_url=hit.document.url,
                    kind="matter_faq",
                    rank=hit.rank,
                    policy=_link(policy),
                    matter=_link(faq.matter),
                    plain=faq.answer,
                )
            )
    return answers


def _question_answers(text: str) -> list[Answer]:
    answered = Question.objects.filter(status=QuestionState.ANSWERED).values("pk")
    results = search(text, kind="question", restrict=answered)
    hits = [h for h in results[:CANDIDATES] if _fits(results, h)]
    questions = (
        Question.objects.filter(status=QuestionState.ANSWERED)
        .select_related("answer_department", "policy", "matter")
        .in_bulk([h.object_id for h in hits])
    )
    answers = []
    for hit in hits:
        question = questions.get(hit.object_id)
        if question is None:
            continue
        when = timezone.localdate(question.answered_at).isoformat() if question.answered_at else ""
        department = question.answer_department.name if question.answer_department_id else ""
        answers.append(
            Answer(
                question_html=hit.title_html,
                answer_html=search_snippet(results, question.answer),
                source=_("来自：政策互动区，%(department)s答复于%(date)s") % {"department": department, "date": when},
                source_url=question.get_absolute_url(),
                kind="question",
                rank=hit.rank,
                policy=_link(question.policy) if question.policy_id and question.policy.is_public else None,
                matter=_link(question.matter) if question.matter_id and question.matter.is_public else None,
                plain=question.answer,
            )
        )
    return answers


def answer(text: str, *, limit: int = ANSWER_COUNT) -> Reply:
    """The best answers to `text` (at most `limit`, best rank first, FAQs before questions on a tie) and the
    matching public policies; an empty `answers` when nothing fits."""
    text = (text or "").strip()[:QUESTION_MAX]
    reply = Reply(question=text)
    if not clean_query(text):
        return reply
    faqs = _faq_answers(text)
    # A question promoted into a FAQ is found twice with the same answer: the FAQ (the official place) stays.
    in_faqs = {normalize.prose(a.plain) for a in faqs}
    answers = faqs + [a for a in _question_answers(text) if normalize.prose(a.plain) not in in_faqs]
    answers.sort(key=lambda a: -a.rank)
    reply.answers = answers[:limit]
    policies = search(text)
    reply.policy_hits = [h for h in policies[:POLICY_COUNT] if _fits(policies, h)]
    reply.policies = [Link(h.document.title, h.document.url) for h in reply.policy_hits]
    _count(reply)
    return reply


def _count(reply: Reply) -> None:
    day = timezone.localdate().isoformat()
    for what in ("all", "answered" if reply.fits else "unanswered"):
        key = COUNT_KEY.format(day=day, what=what)
        try:
            cache.add(key, 0, timeout=40 * 24 * 3600)
            cache.incr(key)
        except Exception:  # noqa: S110 - a dashboard count is never worth failing an answer for
            pass


def counts(day=None) -> dict:
    """{"all", "answered", "unanswered"} questions asked on `day` (today by default)."""
    day = (day or timezone.localdate()).isoformat()
    return {what: cache.get(COUNT_KEY.format(day=day, what=what)) or 0 for what in ("all", "answered", "unanswered")}
