"""智能问答 (宜昌 §25、常州 §16): answers from FAQs and the interaction area, each with its source; 转为诉求 when
nothing fits; never an unpublished question; traditional characters find simplified text."""

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse

from appeals import qa
from matters.models import MatterFAQ
from policies.models import PolicyFAQ
from portal.core.workflow import perform
from portal.org.models import Role
from tests.appeals.test_interaction import answered, asked, operator, public_matter, public_policy
from tests.factories.appeals import handler_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def faqs(django_capture_on_commit_callbacks):
    matter = public_matter()
    policy = public_policy(title="宜昌市稳岗返还实施办法")
    with django_capture_on_commit_callbacks(execute=True):
        matter_faq = MatterFAQ.objects.create(
            matter=matter,
            position=1,
            question="高新技术企业认定奖励何时发放？",
            answer="认定奖励在公示期满后20个工作日内拨付到企业基本账户。",
        )
        policy_faq = PolicyFAQ.objects.create(
            policy=policy, position=1, question="稳岗返还需要申请吗？", answer="无需申请，系统比对参保数据后直接发放。"
        )
    return matter, matter_faq, policy, policy_faq


def test_an_answer_from_a_matter_faq_says_where_it_comes_from(faqs):
    matter = faqs[0]
    reply = qa.answer("高新技术企业认定奖励什么时候发放")
    assert reply.fits
    best = reply.answers[0]
    assert best.kind == "matter_faq"
    assert best.source == f"来自：事项“{matter.name}”的常见问题"
    assert best.source_url == matter.get_absolute_url() + "#guide-faq"
    assert best.matter.url == matter.get_absolute_url()
    assert best.policy.url == matter.policy.get_absolute_url()
    assert "<mark>" in best.question_html


def test_an_answer_from_a_policy_faq(faqs):
    policy = faqs[2]
    reply = qa.answer("稳岗返还要不要申请")
    assert reply.answers[0].source == f"来自：政策“{policy.title}”的常见问题"
    assert reply.answers[0].policy.url == policy.get_absolute_url()


def test_traditional_characters_find_simplified_answers(faqs):
    reply = qa.answer("高新技術企業認定獎勵何時發放")
    assert reply.fits and reply.answers[0].kind == "matter_faq"


def test_an_answered_question_answers_with_its_department_and_date():
    policy = public_policy()
    question = answered(
        asked(title="研发费用补贴怎么计算", content="研发费用补贴按照什么比例计算，有没有上限？", policy=policy),
        handler_of(policy.lead_department, Role.REVIEWER),
        text="研发费用补贴按上年度研发投入的10%计算，单个企业最高100万元。",
    )
    reply = qa.answer("研发费用补贴如何计算")
    best = reply.answers[0]
    assert best.kind == "question"
    date = question.answered_at.astimezone().date().isoformat()
    assert best.source == f"来自：政策互动区，{policy.lead_department.name}答复于{date}"
    assert best.source_url == question.get_absolute_url()
    assert "10%" in best.answer_html


def test_published_but_unanswered_and_pending_questions_never_answer():
    pending = asked(title="研发费用补贴怎么计算", content="研发费用补贴按照什么比例计算？")
    unanswered = asked(title="研发费用补贴何时申报", content="研发费用补贴什么时候申报？")
    perform(unanswered, "publish", by=operator())
    reply = qa.answer("研发费用补贴")
    assert not reply.fits
    assert pending.pk and unanswered.pk


def test_nothing_fits_offers_an_appeal_prefilled_with_the_question(faqs, client):
    text = "我公司厂房租金上涨能否申请补贴？"
    reply = qa.answer(text)
    assert not reply.fits
    parts = urlsplit(reply.appeal_url)
    assert parts.path == reverse("appeals:new")
    assert parse_qs(parts.query) == {"kind": ["consultation"], "title": [text], "content": [text]}
    page = client.get(reverse("appeals:ask"), {"question": text}).content.decode()
    assert "没有找到能回答这个问题的内容" in page and "转为诉求" in page
    assert reply.appeal_url.replace("&", "&amp;") in page


def test_a_long_question_title_is_cut_to_100_characters():
    text = "关于" + "高新技术企业" * 30
    params = parse_qs(urlsplit(qa.appeal_url(text)).query)
    assert params["title"] == [text[:100]] and params["content"] == [text]


def test_a_body_only_partial_match_does_not_count_as_an_answer(faqs):
    # "发放" and "账户" occur only in the answer of one FAQ, with other words of the question nowhere:
    # the search falls back to some of the words, and a body-only match is not offered as the answer.
    reply = qa.answer("基本账户 变更 银行 开户许可")
    assert not reply.fits


def test_the_page_shows_answers_sources_policies_and_an_appeal_offer(faqs, client):
    policy = faqs[2]
    response = client.get(reverse("appeals:ask"), {"question": "稳岗返还需要申请吗"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"来自：政策“{policy.title}”的常见问题" in page
    assert "没有解决您的问题？" in page and "转为诉求" in page
    assert "相关政策" in page and policy.get_absolute_url() in page


def test_an_empty_question_shows_the_form_only(client):
    response = client.get(reverse("appeals:ask"))
    assert response.status_code == 200
    assert "转为诉求" not in response.content.decode()
    assert not qa.answer("   ").fits


def test_offline_policies_take_their_faqs_away(faqs, django_capture_on_commit_callbacks):
    from policies.models import Policy

    policy = faqs[2]
    with django_capture_on_commit_callbacks(execute=True):
        policy.status = Policy.Status.OFFLINE
        policy.save()
    assert not any(a.kind == "policy_faq" for a in qa.answer("稳岗返还需要申请吗").answers)


def test_a_question_promoted_into_a_faq_is_answered_once_from_the_faq(django_capture_on_commit_callbacks):
    from appeals import interaction

    matter = public_matter()
    reviewer = handler_of(matter.department, Role.REVIEWER)
    question = answered(
        asked(title="研发费用补贴怎么计算", content="研发费用补贴按照什么比例计算，有没有上限？", matter=matter),
        reviewer,
        text="研发费用补贴按上年度研发投入的10%计算，单个企业最高100万元。",
    )
    assert [a.kind for a in qa.answer("研发费用补贴如何计算").answers] == ["question"]
    with django_capture_on_commit_callbacks(execute=True):
        interaction.promote(question, by=reviewer, target="matter")
    assert [a.kind for a in qa.answer("研发费用补贴如何计算").answers] == ["matter_faq"]


# --- the page's own parameter, examples and 转为诉求 with the answer's matter and policy -------------------------


def test_the_question_is_not_put_into_the_header_policy_search(faqs, client):
    page = client.get(reverse("appeals:ask"), {"question": "稳岗返还需要申请吗"}).content.decode()
    assert 'name="question" value="稳岗返还需要申请吗"' in page
    assert re.search(r'<input type="search" id="site-search-q" name="q" value=""', page)
    # an older link with ?q= still asks, and the header box stays empty as well
    old = client.get(reverse("appeals:ask"), {"q": "稳岗返还需要申请吗"}).content.decode()
    assert "来自：政策" in old and re.search(r'id="site-search-q" name="q" value=""', old)
    # the policy pages keep their search words in the header box
    search = client.get("/policies/search/", {"q": "稳岗"}).content.decode()
    assert re.search(r'id="site-search-q" name="q" value="稳岗"', search)


def test_turning_an_answered_question_into_an_appeal_carries_the_matter_and_the_policy(faqs, client):
    matter = faqs[0]
    reply = qa.answer("高新技术企业认定奖励什么时候发放")
    params = parse_qs(urlsplit(reply.appeal_url).query)
    assert params["matter"] == [str(matter.pk)] and params["policy"] == [str(matter.policy_id)]
    assert params["kind"] == ["consultation"]
    form = client.get(reply.appeal_url).content.decode()
    assert re.search(rf"<option value=\"{matter.pk}\" selected[ >]", form), "the appeal form preselects the matter"
    assert re.search(rf"<option value=\"{matter.policy_id}\" selected[ >]", form), "and the policy"


def _demo_knowledge(capture):
    """The demo's FAQ texts (matters/demo.py) on one public matter, and the demo's interaction-area questions
    (appeals/demo.py QUESTIONS): answered ones answered, promoted ones also as the matter's FAQ."""
    from appeals.demo import QUESTIONS
    from matters.demo import THEME_FAQS

    matter = public_matter()
    reviewer = handler_of(matter.department, Role.REVIEWER)
    texts = [("怎样知道本企业是否符合条件？", "在“政策计算器”中查看本事项的逐条判断结果和预计金额。")]
    texts += [faq for faqs in THEME_FAQS.values() for faq in faqs]
    with capture(execute=True):
        for position, (question, text) in enumerate(texts, start=1):
            MatterFAQ.objects.create(matter=matter, position=position, question=question, answer=text)
        for title, content, text, promoted in QUESTIONS:
            if text is None:
                continue
            question = answered(asked(title=title, content=content, matter=matter), reviewer, text=text)
            if promoted:
                from appeals import interaction

                interaction.promote(question, by=reviewer, target="matter")
    return matter


def test_every_example_on_the_page_is_answered_by_the_demo_knowledge(client, django_capture_on_commit_callbacks):
    _demo_knowledge(django_capture_on_commit_callbacks)
    page = client.get(reverse("appeals:ask")).content.decode()
    examples = [unquote(found) for found in re.findall(r'href="/appeals/ask/\?question=([^"]+)"', page)]
    assert examples == list(qa.EXAMPLES) and len(examples) >= 3
    assert f"请输入您的问题，如：{qa.EXAMPLES[0]}" in page
    for example in examples:
        assert qa.answer(example).fits, example
    kinds = {qa.answer(example).answers[0].kind for example in examples}
    assert kinds == {"matter_faq", "question"}, "the examples show both kinds of source"


def test_the_page_links_the_interaction_area(client):
    page = client.get(reverse("appeals:ask")).content.decode()
    assert f'href="{reverse("appeals:questions")}"' in page


# --- finding 智能问答 and the 政策互动区 from the public site ------------------------------------------------------


def _current(html: str) -> list[str]:
    nav = html[html.index('aria-label="主导航"') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def test_the_main_navigation_offers_policy_qa_and_marks_it_on_both_pages(client):
    from tests.factories.applications import enterprise_with_user

    home = client.get("/").content.decode()
    assert f'<a href="{reverse("appeals:ask")}">政策问答</a>' in home
    client.force_login(enterprise_with_user().user)  # 我的诉求 (/appeals/) is in the bar too
    for url in (reverse("appeals:ask"), reverse("appeals:questions"), reverse("appeals:new_question")):
        assert _current(client.get(url).content.decode()) == [reverse("appeals:ask")], url
    matter = public_matter()
    question = answered(asked(matter=matter), handler_of(matter.department, Role.REVIEWER))
    assert _current(client.get(question.get_absolute_url()).content.decode()) == [reverse("appeals:ask")]
    assert _current(client.get(reverse("appeals:mine")).content.decode()) == [reverse("appeals:mine")]
    assert _current(client.get(reverse("appeals:new")).content.decode()) == [reverse("appeals:new")]


def test_the_sitemap_lists_the_appeal_and_qa_pages(client):
    page = client.get("/sitemap/").content.decode()
    for name, label in (
        ("appeals:new", "我要诉求"),
        ("appeals:track", "诉求进度查询"),
        ("appeals:ask", "智能问答"),
        ("appeals:questions", "政策互动区"),
    ):
        assert f'<a href="{reverse(name)}">{label}</a>' in page


def test_the_help_page_explains_appeals_the_smart_qa_and_the_interaction_area(client):
    page = client.get("/help/").content.decode()
    assert "诉求与政策问答" in page
    for name in ("appeals:ask", "appeals:questions", "appeals:new", "appeals:track"):
        assert f'href="{reverse(name)}"' in page, name


def test_matter_and_policy_pages_offer_to_ask(faqs, client):
    matter, _faq, policy, _policy_faq = faqs
    link = f'href="{reverse("appeals:ask")}">有疑问？问一问</a>'
    assert link in client.get(matter.get_absolute_url()).content.decode()
    assert link in client.get(policy.get_absolute_url()).content.decode()
