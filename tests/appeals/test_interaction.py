"""政策抒见互动区 (无锡 §6、§22): personal data hidden, moderation, answers by the right department, search,
and an answer promoted into a matter's or policy's FAQ."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from appeals import interaction
from appeals.interaction import HIDDEN, find_personal_data, redact
from appeals.models_interaction import Question, QuestionState
from policies.models import Policy
from portal.core.workflow import TransitionNotAllowed, perform
from portal.org.models import Role
from portal.search.query import search
from tests.factories.appeals import centre_of, department, handler_of, operator_of
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.policies import PolicyFactory

S = QuestionState


# --- helpers shared with test_qa and the admin tests ---------------------------------------------------


def public_policy(**fields) -> Policy:
    policy = PolicyFactory(**fields)
    Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.PUBLISHED, published_at=timezone.now())
    policy.refresh_from_db()
    return policy


def public_matter(**fields):
    matter = published_matter(**fields)
    Policy.objects.filter(pk=matter.policy_id).update(status=Policy.Status.PUBLISHED, published_at=timezone.now())
    matter.refresh_from_db()
    return matter


def asker():
    return enterprise_with_user().user


def asked(
    title="高新技术企业认定奖励何时发放", content="我公司去年首次认定为高新技术企业，请问认定奖励什么时候发放？", **kw
):
    return interaction.ask(asker=kw.pop("by", None) or asker(), title=title, content=content, **kw)


def operator():
    return operator_of(centre_of())


def answered(question, by, text="认定奖励在每年第三季度统一兑现，请关注申报通知并按时提交材料。"):
    perform(question, "publish", by=operator())
    return perform(question, "answer", by=by, reason=text)


# --- personal data -----------------------------------------------------------------------------------

CASES = [
    ("请回电13800138000", "mobile"),
    ("请回电 138 0013 8000 谢谢", "mobile"),
    ("请回电138-0013-8000", "mobile"),
    ("请回电＋８６ １３８００１３８０００", "mobile"),
    ("请回电１３８００１３８０００。", "mobile"),
    ("手机：+86 13912345678", "mobile"),
    ("座机0717-6451234", "landline"),
    ("座机（０７１７）６４５１２３４", "landline"),
    ("座机(027)87654321转8", "landline"),
    ("身份证号42050219800101123X", "id_number"),
    ("身份证号４２０５０２１９８００１０１１２３ｘ", "id_number"),
    ("身份证号420502 19800101 1234", "id_number"),
    ("卡号6222021234567890123", "bank_card"),
    ("卡号6222 0212 3456 7890", "bank_card"),
    ("邮箱zhang.san@example.com", "email"),
    ("邮箱ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "email"),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_personal_data_is_found_and_hidden(text, kind):
    found = find_personal_data(text)
    assert [f.kind for f in found] == [kind]
    public, kinds = redact(text)
    assert kinds == [kind]
    assert HIDDEN in public
    # nothing of the number or address is left in the public text
    assert not any(ch.isdigit() for ch in public.replace("转8", "")), public
    assert "@" not in public and "＠" not in public


NOT_PERSONAL = [
    "2026年3月起对首次认定的高新技术企业奖励200000元",
    "宜府规〔2026〕12号第十二条第（三）款",
    "营业收入2000万元以上、研发投入占比3.5%",
    "统一社会信用代码91420500MA49XXXX1K的企业",
    "申报时间为2026-10-09至2026-11-30",
    "电话12345热线",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_ordinary_numbers_are_left_alone(text):
    assert redact(text) == (text, [])


def test_every_piece_is_hidden_and_the_rest_kept_in_place():
    text = "联系人张三，手机１３８００１３８０００，身份证42050219800101123X，2026年申报"
    public, kinds = redact(text)
    assert public == f"联系人{HIDDEN}，手机{HIDDEN}，身份证{HIDDEN}，2026年申报"
    assert kinds == ["name", "mobile", "id_number"]


NAMES = [
    ("请问科技创新券能否用于检测？联系人王经理，电话13912345678。", f"联系人{HIDDEN}，电话{HIDDEN}。"),
    ("张先生您好", f"{HIDDEN}您好"),
    ("请李女士回电", f"请{HIDDEN}回电"),
    ("找刘总，他知道情况", f"找{HIDDEN}，他知道情况"),
    ("我公司王经理反映材料被退回", f"我公司{HIDDEN}反映材料被退回"),
    ("陈总经理签的字", f"{HIDDEN}签的字"),
    ("请赵主任协调", f"请{HIDDEN}协调"),
    ("欧阳先生的申请", f"{HIDDEN}的申请"),
    # an ambiguous surname (高, 金, 任 …) counts after a lead-in or at the start
    ("请高老师指导", f"请{HIDDEN}指导"),
    ("金总，您好", f"{HIDDEN}，您好"),
    # 联系人 and a name of 2–3 characters
    ("联系人：张三，手机号见附件", f"联系人：{HIDDEN}，手机号见附件"),
    ("联系人：王小明电话见附件", f"联系人：{HIDDEN}电话见附件"),
    ("联系人李四。", f"联系人{HIDDEN}。"),
]


@pytest.mark.parametrize(("text", "public"), NAMES)
def test_a_surname_with_a_form_of_address_or_after_contact_is_hidden(text, public):
    shown, kinds = redact(text)
    assert shown.endswith(public), shown
    assert "name" in kinds


NOT_NAMES = [
    "市场经理和项目经理都可以经办吗",
    "需要总经理签字吗",
    "班主任老师、历史老师、体育老师的培训补贴",
    "资金总额和本周总结",
    "感谢老师的解答",
    "基金经理、客户经理、工程经理",
    "办公室主任和车间主任",
    "联系人电话变更后怎么办",
    "联系人变更需要重新认领吗",
    "联系人：法定代表人",
    "各位先生女士",
    "高新技术企业认定奖励何时发放",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_a_form_of_address_without_a_surname_is_left_alone(text):
    assert redact(text) == (text, [])


@pytest.mark.parametrize("separator", ["", " ", "-", "　"])
@pytest.mark.parametrize("prefix", ["13", "15", "17", "19"])
def test_mobile_numbers_in_any_spelling(prefix, separator):
    for tail in ("800138000", "912345678", "000000001"):
        number = prefix + tail
        spelled = separator.join([number[:3], number[3:7], number[7:]])
        for written in (spelled, spelled.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})):
            assert [f.kind for f in find_personal_data(f"电话{written}谢谢")] == ["mobile"], written


# --- asking ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_question_with_personal_data_keeps_the_original_for_moderators():
    user = asker()
    question = interaction.ask(
        asker=user,
        title="奖励咨询13800138000",
        content="请问奖励何时到账？我的手机１３８ ００１３ ８０００，身份证42050219800101123X。",
    )
    question.refresh_from_db()
    assert question.status == S.SUBMITTED
    assert question.title == f"奖励咨询{HIDDEN}"
    assert "13800138000" not in question.content and question.content.count(HIDDEN) == 2
    assert question.original_title == "奖励咨询13800138000"
    assert "１３８ ００１３ ８０００" in question.original_content
    assert question.personal_data == ["mobile", "id_number"]
    # stored encrypted, never in the history
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT original_content FROM appeals_question WHERE id = %s", [question.pk])
        assert "4205021980" not in cursor.fetchone()[0]
    assert not hasattr(question.history.first(), "original_content")


@pytest.mark.django_db
def test_only_enterprise_users_ask_and_empty_questions_are_refused():
    staff = operator()
    with pytest.raises(PermissionDenied):
        interaction.ask(asker=staff, title="标题", content="这是一个足够长的问题内容。")
    with pytest.raises(ValidationError) as error:
        interaction.ask(asker=asker(), title=" ", content="太短")
    assert set(error.value.message_dict) == {"title", "content"}


@pytest.mark.django_db
def test_ask_form_shows_the_hidden_text_before_submitting_and_loses_nothing(client):
    user = asker()
    client.force_login(user)
    url = reverse("appeals:new_question")
    data = {"title": "奖励何时发放", "content": "请问奖励何时到账？请回电13800138000。"}
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "您的提问含有手机号等个人信息，公开时将隐去，并经审核后公开" in page
    assert f"请回电{HIDDEN}" in page
    assert "请回电13800138000" in page  # the typed text is still in the form
    assert not Question.objects.exists()
    response = client.post(url, {**data, "confirm": "1"}, follow=True)
    question = Question.objects.get()
    assert response.redirect_chain[-1][0] == question.get_absolute_url()
    page = response.content.decode()
    assert "公开时将隐去" in page and "正在审核" in page
    assert question.original_content == data["content"]


@pytest.mark.django_db
def test_ask_form_needs_an_enterprise_login(client):
    url = reverse("appeals:new_question")
    response = client.get(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    client.force_login(operator())
    response = client.get(url)
    assert response.status_code == 403
    assert "请使用企业账号提问" in response.content.decode()


@pytest.mark.django_db
def test_ask_form_errors_are_shown(client):
    client.force_login(asker())
    response = client.post(reverse("appeals:new_question"), {"title": "", "content": "短"})
    assert response.status_code == 200
    assert "请把问题写清楚" in response.content.decode()


# --- moderation and answers ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_moderation_then_answer_by_the_policy_department():
    policy = public_policy()
    reviewer = handler_of(policy.lead_department, Role.REVIEWER)
    question = asked(policy=policy)
    with pytest.raises(PermissionDenied) as refused:
        perform(question, "publish", by=reviewer)
    assert "话务员" in str(refused.value)
    with pytest.raises(TransitionNotAllowed):
        perform(question, "answer", by=reviewer, reason="认定奖励在每年第三季度统一兑现。")
    perform(question, "publish", by=operator())
    question = perform(question, "answer", by=reviewer, reason="认定奖励在每年第三季度统一兑现，请关注通知。")
    assert question.status == S.ANSWERED
    assert question.answer_department == policy.lead_department
    assert question.answered_by == reviewer


@pytest.mark.django_db
def test_another_department_cannot_answer_but_the_centre_can():
    matter = public_matter()
    other = handler_of(department("市人社局"), Role.APPROVER)
    question = asked(matter=matter)
    assert question.policy == matter.policy
    perform(question, "publish", by=operator())
    with pytest.raises(PermissionDenied) as refused:
        perform(question, "answer", by=other, reason="这是别的部门的答复内容。")
    assert "不涉及您所在部门" in str(refused.value)
    centre_operator = operator()
    question = perform(question, "answer", by=centre_operator, reason="城运中心答复：请按申报指南提交。")
    assert question.answer_department == centre_of()


@pytest.mark.django_db
def test_reject_needs_a_reason_and_the_asker_is_told():
    question = asked()
    with pytest.raises(ValidationError):
        perform(question, "reject", by=operator(), reason="")
    perform(question, "reject", by=operator(), reason="内容与政策无关")
    question.refresh_from_db()
    assert question.status == S.REJECTED and question.reject_reason == "内容与政策无关"


@pytest.mark.django_db
def test_the_asker_sees_the_pending_question_others_do_not(client):
    question = asked()
    client.force_login(question.asker)
    assert client.get(question.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(question.get_absolute_url()).status_code == 404
    perform(question, "publish", by=operator())
    assert client.get(question.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_asker_finds_a_pending_question_again_under_my_questions_and_nobody_else_does(client):
    question = asked(title="研发费用补助何时受理")
    other = asked(title="另一家企业的问题")
    client.force_login(question.asker)
    page = client.get(reverse("appeals:questions")).content.decode()
    assert "我的提问" in page
    assert f'href="{question.get_absolute_url()}">研发费用补助何时受理</a>' in page
    assert "待审核" in page
    assert other.title not in page
    client.logout()
    page = client.get(reverse("appeals:questions")).content.decode()
    assert "我的提问" not in page and question.title not in page


# --- search ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_published_questions_never_pending_or_rejected(client):
    policy = public_policy()
    pending = asked(title="稳岗返还怎么申请", content="稳岗返还资金如何申请，需要什么材料？")
    rejected = asked(title="稳岗返还何时到账", content="稳岗返还资金什么时候到账？")
    perform(rejected, "reject", by=operator(), reason="重复提问")
    shown = asked(title="稳岗返还需要哪些材料", content="稳岗返还需要提交哪些证明材料？", policy=policy)
    answered(shown, handler_of(policy.lead_department), text="稳岗返还无需申请，系统自动比对后直接发放。")
    found = search("稳岗返还", kind="question")
    assert [h.object_id for h in found[:10]] == [shown.pk]
    assert pending.pk not in [h.object_id for h in found[:10]]
    # the answer is searchable too
    assert [h.object_id for h in search("自动比对", kind="question")[:10]] == [shown.pk]
    # the policy search is not polluted by questions
    assert all(h.document.kind == "policy" for h in search("稳岗返还")[:10])
    response = client.get(reverse("appeals:questions"), {"q": "稳岗返还"})
    page = response.content.decode()
    assert "<mark>稳岗返还</mark>需要哪些材料" in page and "怎么申请" not in page and "何时到账" not in page
    response = client.get(reverse("appeals:questions"), {"answered": "1", "policy": policy.slug})
    assert "稳岗返还需要哪些材料" in response.content.decode()
    detail = client.get(shown.get_absolute_url()).content.decode()
    assert "系统自动比对后直接发放" in detail and policy.lead_department.name in detail


@pytest.mark.django_db
def test_the_list_without_a_query_shows_only_public_questions(client):
    hidden = asked(title="尚未审核的提问标题", content="尚未审核的提问内容，不能公开。")
    shown = asked(title="已公开的提问标题", content="已公开的提问内容，可以公开。")
    perform(shown, "publish", by=operator())
    page = client.get(reverse("appeals:questions")).content.decode()
    assert shown.title in page and hidden.title not in page


@pytest.mark.django_db
def test_the_public_reads_a_published_unanswered_question_as_waiting_for_an_answer(client):
    policy = public_policy()
    waiting = asked(title="稳岗返还何时到账", content="稳岗返还申请后多久到账？", policy=policy)
    waiting = perform(waiting, "publish", by=operator())
    done = answered(
        asked(title="稳岗返还需要哪些材料", content="稳岗返还需要提交哪些材料？", policy=policy),
        handler_of(policy.lead_department, Role.REVIEWER),
    )
    assert waiting.public_status_label == "待答复" and done.public_status_label == "已答复"
    page = client.get(reverse("appeals:questions")).content.decode()
    assert '<span class="tag">待答复</span>' in page and '<span class="tag">已答复</span>' in page
    assert "已公开" not in page.replace("已公开的", "")
    assert "?answered=1" in page and "?answered=0" in page
    only_waiting = client.get(reverse("appeals:questions"), {"answered": "0"}).content.decode()
    assert waiting.title in only_waiting and done.title not in only_waiting
    assert '<a href="?answered=0" aria-current="true">待答复</a>' in only_waiting
    only_answered = client.get(reverse("appeals:questions"), {"answered": "1"}).content.decode()
    assert done.title in only_answered and waiting.title not in only_answered
    everything = client.get(reverse("appeals:questions"), {"answered": "x"}).content.decode()
    assert waiting.title in everything and done.title in everything
    detail = client.get(waiting.get_absolute_url()).content.decode()
    assert '<span class="tag">待答复</span>' in detail


# --- promotion into FAQs --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_promote_into_the_matter_faq_shows_on_the_matter_page(client):
    matter = public_matter()
    reviewer = handler_of(matter.department, Role.REVIEWER)
    question = answered(asked(matter=matter), reviewer)
    with pytest.raises(ValidationError) as choose:
        interaction.promote(question, by=reviewer)
    assert "target" in choose.value.message_dict
    with pytest.raises(PermissionDenied):
        interaction.promote(question, by=handler_of(department("市人社局")), target="matter")
    faq = interaction.promote(question, by=reviewer, target="matter")
    question.refresh_from_db()
    assert question.matter_faq == faq and question.promoted_by == reviewer
    with pytest.raises(ValidationError):
        interaction.promote(question, by=reviewer, target="policy")
    page = client.get(matter.get_absolute_url()).content.decode()
    assert question.title in page and "第三季度统一兑现" in page


@pytest.mark.django_db
def test_promote_into_the_policy_faq_shows_on_the_policy_page(client, django_capture_on_commit_callbacks):
    policy = public_policy()
    reviewer = handler_of(policy.lead_department, Role.REVIEWER)
    question = answered(asked(policy=policy), reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        faq = interaction.promote(question, by=reviewer)
    assert faq.policy == policy
    page = client.get(policy.get_absolute_url()).content.decode()
    assert 'id="policy-faq"' in page and question.title in page
    assert [h.object_id for h in search("认定奖励 发放", kind="faq")[:5]] == [faq.pk]


@pytest.mark.django_db
def test_a_faq_keeps_no_personal_data():
    policy = public_policy()
    reviewer = handler_of(policy.lead_department, Role.REVIEWER)
    question = answered(asked(policy=policy), reviewer)
    with pytest.raises(ValidationError) as error:
        interaction.promote(question, by=reviewer, faq_answer="请致电13800138000咨询具体发放时间。")
    assert "个人信息" in str(error.value)
