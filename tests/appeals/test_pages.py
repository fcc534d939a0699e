"""The submitter's appeal pages: 我要诉求 (enterprise and anonymous), 我的诉求, the appeal page and its actions,
the SMS evaluation link, 进度查询 and the enterprise space block.

Every form is submitted valid and invalid; every refusal is a Chinese message on the page and stores nothing."""

import re

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, AppealAttachment, AppealState
from applications.models import Application, Status
from policies.models import Policy
from portal.core.workflow import perform
from tests.factories.appeals import centre_of, department, handler_of, operator_of, portal_appeal
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.files import pdf, upload
from tests.factories.policies import PolicyFactory

pytestmark = pytest.mark.django_db

S = AppealState
NEW = "/appeals/new/"
VALID = {
    "kind": "complaint",
    "title": "申报系统无法上传材料",
    "content": "我公司申报高新技术企业奖励时，系统反复提示上传失败，请协助解决。",
    "urgency": "normal",
    "contact_phone": "13800001111",
}


@pytest.fixture
def world():
    enterprise = enterprise_with_user()
    centre = centre_of(enterprise.region.parent)
    kjj = department("市科技局", enterprise.region.parent)
    return {
        "enterprise": enterprise,
        "user": enterprise.user,
        "centre": centre,
        "operator": operator_of(centre),
        "department": kjj,
        "handler": handler_of(kjj),
    }


@pytest.fixture
def signed_in(client, world):
    client.force_login(world["user"])
    return client


def dispatched(world, appeal, *, sign=True):
    perform(appeal, "accept", by=world["operator"])
    perform(appeal, "dispatch", by=world["operator"], department=world["department"])
    if sign:
        perform(appeal, "sign", by=world["handler"])
    appeal.refresh_from_db()
    return appeal


def replied(world, appeal, text="经核实，系统故障已修复，请重新上传材料。"):
    dispatched(world, appeal)
    perform(appeal, "reply", by=world["handler"], reason=text)
    appeal.refresh_from_db()
    return appeal


def text_of(response) -> str:
    return response.content.decode()


# --- 我要诉求 -----------------------------------------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_query_and_the_account(signed_in, world):
    policy = PolicyFactory()
    Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.PUBLISHED)
    matter = published_matter(name="高新技术企业认定奖励")
    response = signed_in.get(
        NEW,
        {
            "kind": "consultation",
            "title": "奖励何时兑现",
            "content": "想了解奖励资金拨付时间",
            "policy": policy.pk,
            "matter": matter.code,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["kind"] == "consultation"
    assert form.initial["title"] == "奖励何时兑现"
    assert form.initial["policy"] == policy.pk and form.initial["matter"] == matter.pk
    assert form.initial["contact_phone"] == world["user"].phone
    html = text_of(response)
    assert "投诉：反映部门或工作人员" in html and "意见建议：" in html
    assert 'name="region"' not in html  # the enterprise's own region is used


def test_an_enterprise_user_submits_with_an_attachment(signed_in, world):
    data = {**VALID, "files": [upload("截图.pdf", pdf())]}
    response = signed_in.post(NEW, data)
    assert response.status_code == 302, response.context["form"].errors
    appeal = Appeal.objects.get()
    assert response.url == appeal.get_absolute_url()
    assert appeal.enterprise == world["enterprise"] and appeal.submitted_by == world["user"]
    assert appeal.status == S.SUBMITTED and appeal.operations_centre == world["centre"]
    assert appeal.attachments.get().name == "截图.pdf"
    page = signed_in.get(response.url)
    assert appeal.number in text_of(page) and "诉求已提交" in text_of(page)


def test_an_invalid_submission_is_refused_in_chinese_and_nothing_is_stored(signed_in):
    response = signed_in.post(NEW, {"kind": "", "title": "", "content": "太短", "contact_phone": "12345"})
    assert response.status_code == 400
    html = text_of(response)
    for message in (
        "请选择诉求类型。",
        "请填写诉求标题。",
        "请把诉求写清楚（不少于10个字）。",
        "请输入正确的11位中国大陆手机号码",
    ):
        assert message in html
    assert not Appeal.objects.exists()


def test_a_forged_attachment_is_refused_and_nothing_is_stored(signed_in):
    forged = upload("合同.pdf", b"<html><script>alert(1)</script></html>")
    response = signed_in.post(NEW, {**VALID, "files": [forged]})
    assert response.status_code == 400
    assert "文件内容不是允许的类型" in text_of(response)
    assert not Appeal.objects.exists() and not AppealAttachment.objects.exists()


def test_more_than_five_attachments_are_refused(signed_in):
    files = [upload(f"附件{n}.pdf", pdf()) for n in range(6)]
    response = signed_in.post(NEW, {**VALID, "files": files})
    assert response.status_code == 400 and "附件最多5个。" in text_of(response)
    assert not Appeal.objects.exists()


def test_only_the_enterprises_own_applications_may_be_named(signed_in, world):
    matter = published_matter()
    own = Application.objects.create(
        number="SB20260301000001", enterprise=world["enterprise"], matter=matter, period="2026", status=Status.SUBMITTED
    )
    other = Application.objects.create(
        number="SB20260301000002",
        enterprise=enterprise_with_user(),
        matter=matter,
        period="2026",
        status=Status.SUBMITTED,
    )
    page = text_of(signed_in.get(NEW))
    assert own.number in page and other.number not in page
    response = signed_in.post(NEW, {**VALID, "application": other.pk})
    assert response.status_code == 400 and "只能选择本企业的申报件。" in text_of(response)
    assert not Appeal.objects.exists()
    response = signed_in.post(NEW, {**VALID, "application": own.pk})
    assert response.status_code == 302 and Appeal.objects.get().application == own


def test_staff_are_sent_to_the_back_office(client, world):
    client.force_login(world["operator"])
    for url in (NEW, reverse("appeals:mine")):
        response = client.get(url)
        assert response.status_code == 403 and "工作人员账号" in text_of(response)


# --- anonymous ----------------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_submits_and_tracks_with_the_code(client, world):
    page = text_of(client.get(NEW, {"title": "咨询用工补贴"}))
    assert 'name="region"' in page and 'name="contact_name"' in page and "咨询用工补贴" in page
    city = world["enterprise"].region.parent
    base = {**VALID, "contact_name": "张先生", "region": world["enterprise"].region.pk}

    response = client.post(NEW, {**base, "contact_phone": "", "contact_name": ""})
    assert response.status_code == 400
    assert "请填写手机号码，以便办理部门联系和答复。" in text_of(response) and "请填写联系人姓名。" in text_of(response)
    response = client.post(NEW, {**base, "region": ""})
    assert response.status_code == 400 and "请选择诉求所在区划。" in text_of(response)
    assert not Appeal.objects.exists()

    response = client.post(NEW, {**base, "contact_phone": "138 0000 1111"})
    assert response.status_code == 302 and response.url == reverse("appeals:submitted")
    appeal = Appeal.objects.get()
    assert appeal.enterprise is None and appeal.contact_phone == "13800001111"
    assert appeal.operations_centre == centre_of(city)
    done = text_of(client.get(response.url))
    assert appeal.number in done and appeal.tracking_code in done and "请妥善保存" in done

    tracked = client.post(reverse("appeals:track"), {"number": appeal.number.lower(), "code": appeal.tracking_code})
    assert tracked.status_code == 200
    html = text_of(tracked)
    assert "待受理" in html and "138****1111" in html and "13800001111" not in html

    wrong = client.post(reverse("appeals:track"), {"number": appeal.number, "code": "AAAAAAAA"})
    unknown = client.post(reverse("appeals:track"), {"number": "SQ20990101000001", "code": appeal.tracking_code})
    assert wrong.status_code == unknown.status_code == 404
    assert "工单编号或查询码不正确" in text_of(wrong) and "工单编号或查询码不正确" in text_of(unknown)
    empty = client.post(reverse("appeals:track"), {"number": "", "code": ""})
    assert empty.status_code == 400 and "请填写工单编号。" in text_of(empty)

    # The anonymous visitor never reaches the appeal page itself.
    assert client.get(appeal.get_absolute_url()).status_code == 302


def test_tracking_is_limited_per_address(client, world, settings):
    settings.APPEAL_TRACK_PER_HOUR = 2
    appeal = portal_appeal(world["enterprise"])
    pair = {"number": appeal.number, "code": "WRONG123"}
    assert client.post(reverse("appeals:track"), pair).status_code == 404
    assert client.post(reverse("appeals:track"), pair).status_code == 404
    response = client.post(reverse("appeals:track"), {"number": appeal.number, "code": appeal.tracking_code})
    assert response.status_code == 429 and "查询过于频繁" in text_of(response)


def test_anonymous_submissions_are_limited_per_address(client, world, settings):
    settings.APPEAL_ANONYMOUS_SUBMISSIONS_PER_HOUR = 1
    data = {**VALID, "contact_name": "李女士", "region": world["enterprise"].region.pk}
    assert client.post(NEW, data).status_code == 302
    response = client.post(NEW, data)
    assert response.status_code == 429 and "提交诉求过于频繁" in text_of(response)
    assert Appeal.objects.count() == 1


# --- 我的诉求 and the appeal page ----------------------------------------------------------------------------------


def test_my_appeals_lists_my_enterprises_appeals_with_their_due_dates(signed_in, world):
    mine = portal_appeal(world["enterprise"], title="我的投诉")
    other = portal_appeal(title="别人的投诉")
    withdrawn = portal_appeal(world["enterprise"], title="已撤回的咨询", kind="consultation")
    perform(withdrawn, "withdraw", by=world["user"])
    response = signed_in.get(reverse("appeals:mine"))
    html = text_of(response)
    assert mine.number in html and withdrawn.number in html and other.number not in html
    assert "诉求受理时限" in html
    filtered = text_of(signed_in.get(reverse("appeals:mine"), {"status": "withdrawn"}))
    assert withdrawn.number in filtered and mine.number not in filtered


def test_my_appeals_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("appeals:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_another_enterprises_appeal_and_attachment_are_404(client, world):
    theirs = portal_appeal(files=(upload("合同.pdf", pdf()),))
    attachment = theirs.attachments.get()
    client.force_login(world["user"])
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.post(theirs.get_absolute_url(), {"action": "withdraw"}).status_code == 404
    url = reverse("appeals:attachment", kwargs={"number": theirs.number, "pk": attachment.pk})
    assert client.get(url).status_code == 404
    # An attachment id of another appeal under one's own number is a 404 too.
    own = portal_appeal(world["enterprise"])
    url = reverse("appeals:attachment", kwargs={"number": own.number, "pk": attachment.pk})
    assert client.get(url).status_code == 404


def test_attachments_are_served_to_the_submitter_and_to_staff_who_may_view(client, world):
    appeal = portal_appeal(world["enterprise"], files=(upload("合同.pdf", pdf()),))
    url = reverse("appeals:attachment", kwargs={"number": appeal.number, "pk": appeal.attachments.get().pk})
    client.force_login(world["user"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world["operator"])
    assert client.get(url).status_code == 200
    client.force_login(handler_of(department("市人社局")))
    assert client.get(url).status_code == 404


def test_the_appeal_page_shows_the_timeline_reply_and_due_date_derivation(signed_in, world):
    appeal = replied(world, portal_appeal(world["enterprise"]))
    html = text_of(signed_in.get(appeal.get_absolute_url()))
    assert "已答复待评价" in html and "经核实，系统故障已修复" in html and "市科技局" in html
    assert "诉求评价期限" in html and "起算日期" in html and "截止日期" in html
    assert "派单至市科技局" in html and "签收" in html and "市科技局答复" in html
    assert 'name="satisfaction"' in html and "退回承办部门重新办理一次" in html
    assert 'value="withdraw"' not in html


def test_withdraw_then_a_refused_second_withdraw(signed_in, world):
    appeal = portal_appeal(world["enterprise"])
    page = text_of(signed_in.get(appeal.get_absolute_url()))
    assert 'value="withdraw"' in page
    response = signed_in.post(appeal.get_absolute_url(), {"action": "withdraw", "reason": "问题已自行解决"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.WITHDRAWN
    response = signed_in.post(appeal.get_absolute_url(), {"action": "withdraw"}, follow=True)
    assert response.status_code == 200 and "不能办理此操作" in text_of(response)
    too_long = signed_in.post(
        portal_appeal(world["enterprise"]).get_absolute_url(), {"action": "withdraw", "reason": "长" * 501}
    )
    assert too_long.status_code == 400 and "最多填写500个字。" in text_of(too_long)


def test_supply_information_the_department_asked_for(signed_in, world):
    appeal = dispatched(world, portal_appeal(world["enterprise"]))
    perform(appeal, "request_info", by=world["handler"], reason="请提供上传失败时的截图")
    page = text_of(signed_in.get(appeal.get_absolute_url()))
    assert "请提供上传失败时的截图" in page and 'value="supply_info"' in page
    response = signed_in.post(appeal.get_absolute_url(), {"action": "supply_info", "reason": ""})
    assert response.status_code == 400 and "请填写补充的信息。" in text_of(response)
    forged = upload("截图.png", b"MZ\x90\x00 not an image")
    response = signed_in.post(
        appeal.get_absolute_url(), {"action": "supply_info", "reason": "截图见附件", "files": [forged]}
    )
    assert response.status_code == 400 and "文件内容不是允许的类型" in text_of(response)
    appeal.refresh_from_db()
    assert appeal.status == S.WAITING
    response = signed_in.post(
        appeal.get_absolute_url(),
        {"action": "supply_info", "reason": "截图见附件，上传时提示网络错误", "files": [upload("截图.pdf", pdf())]},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.HANDLING and appeal.attachments.count() == 1


def test_satisfied_in_the_space_closes_the_ticket(signed_in, world):
    appeal = replied(world, portal_appeal(world["enterprise"]))
    response = signed_in.post(appeal.get_absolute_url(), {"action": "evaluate", "satisfaction": ""})
    assert response.status_code == 400 and "请选择满意、基本满意或不满意。" in text_of(response)
    response = signed_in.post(
        appeal.get_absolute_url(), {"action": "evaluate", "satisfaction": "satisfied"}, follow=True
    )
    assert "感谢您的评价，工单已办结。" in text_of(response)
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.satisfaction == "satisfied"


def test_the_first_unsatisfied_sends_it_back_once(signed_in, world):
    appeal = replied(world, portal_appeal(world["enterprise"]))
    response = signed_in.post(appeal.get_absolute_url(), {"action": "evaluate", "satisfaction": "unsatisfied"})
    assert response.status_code == 400 and "请说明不满意的原因" in text_of(response)
    appeal.refresh_from_db()
    assert appeal.status == S.REPLIED
    response = signed_in.post(
        appeal.get_absolute_url(),
        {"action": "evaluate", "satisfaction": "unsatisfied", "comment": "修复后仍无法上传"},
        follow=True,
    )
    assert "已退回市科技局重新办理" in text_of(response)
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED and appeal.reopen_count == 1
    # The second reply: 不满意 is recorded and closes, without a reason.
    perform(appeal, "sign", by=world["handler"])
    perform(appeal, "reply", by=world["handler"], reason="已安排专人上门指导，材料已成功上传。")
    page = text_of(signed_in.get(appeal.get_absolute_url()))
    assert "本工单已重办过一次" in page
    signed_in.post(appeal.get_absolute_url(), {"action": "evaluate", "satisfaction": "unsatisfied"})
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.satisfaction == "unsatisfied"


# --- the SMS link -------------------------------------------------------------------------------------------------


def test_evaluation_by_the_sms_link(client, world):
    appeal = replied(world, portal_appeal(world["enterprise"]))
    url = reverse("appeals:evaluate_link", kwargs={"token": services.evaluation_token(appeal)})
    page = client.get(url)
    assert page.status_code == 200 and "经核实，系统故障已修复" in text_of(page)
    assert client.post(url, {"satisfaction": "perfect"}).status_code == 400
    response = client.post(url, {"satisfaction": "basic", "comment": "还行"})
    assert response.status_code == 200 and "感谢您的评价" in text_of(response)
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.satisfaction == "basic"
    used = client.post(url, {"satisfaction": "satisfied"})
    assert used.status_code == 410 and "该工单当前无需评价。" in text_of(used)
    appeal.refresh_from_db()
    assert appeal.satisfaction == "basic"


def test_a_forged_link_changes_nothing(client, world):
    appeal = replied(world, portal_appeal(world["enterprise"]))
    token = services.evaluation_token(appeal)
    forged = reverse("appeals:evaluate_link", kwargs={"token": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")})
    for response in (client.get(forged), client.post(forged, {"satisfaction": "satisfied"})):
        assert response.status_code == 400 and "评价链接无效。" in text_of(response)
    appeal.refresh_from_db()
    assert appeal.status == S.REPLIED


def test_unsatisfied_by_link_reopens_and_the_old_link_is_used_up(client, world):
    appeal = replied(world, portal_appeal(world["enterprise"]))
    url = reverse("appeals:evaluate_link", kwargs={"token": services.evaluation_token(appeal)})
    response = client.post(url, {"satisfaction": "unsatisfied"})
    assert response.status_code == 400 and "请说明不满意的原因" in text_of(response)
    response = client.post(url, {"satisfaction": "unsatisfied", "comment": "没有解决"})
    assert response.status_code == 200 and "重新办理" in text_of(response)
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED and appeal.reopen_count == 1
    assert client.get(url).status_code == 410


# --- the enterprise space and the navigation ----------------------------------------------------------------------


def test_the_space_block_counts_what_waits_for_the_enterprise(signed_in, world):
    replied(world, portal_appeal(world["enterprise"]))
    waiting = dispatched(world, portal_appeal(world["enterprise"]))
    perform(waiting, "request_info", by=world["handler"], reason="请提供合同")
    portal_appeal(world["enterprise"])
    response = signed_in.get(reverse("enterprises:space", kwargs={"uscc": world["enterprise"].uscc}))
    html = text_of(response)
    assert "诉求服务" in html and reverse("appeals:mine") in html and reverse("appeals:new") in html
    assert "有 1 件诉求已答复，等待您评价。" in html and "有 1 件诉求需要您补充信息" in html
    assert re.search(r'stat-value">3<', html)


def test_the_navigation_offers_my_appeals_to_enterprise_users_only(client, world):
    html = text_of(client.get("/"))
    assert 'href="/appeals/new/"' in html and 'href="/appeals/"' not in html
    client.force_login(world["user"])
    html = text_of(client.get("/"))
    assert 'href="/appeals/new/"' in html and 'href="/appeals/"' in html


def test_pages_are_built_for_phone_width(signed_in, world):
    appeal = replied(world, portal_appeal(world["enterprise"]))
    for url in (NEW, reverse("appeals:mine"), appeal.get_absolute_url(), reverse("appeals:track")):
        response = signed_in.get(url)
        html = text_of(response)
        assert response.status_code == 200
        assert 'name="viewport" content="width=device-width' in html
        assert "<table" not in html or 'class="table-wrap"' in html


# --- what a newcomer found: finding the tracking page, wording by state, the list on a phone ----------------------


def anonymous_appeal(client, world, **data):
    response = client.post(NEW, {**VALID, "contact_name": "张先生", "region": world["enterprise"].region.pk, **data})
    assert response.status_code == 302, response.context["form"].errors
    return Appeal.objects.get()


def test_the_tracking_page_can_be_found_and_is_prefilled(client, world):
    home = text_of(client.get("/"))
    assert 'href="/appeals/track/">诉求查询</a>' in home
    assert 'href="/appeals/track/"' in text_of(client.get("/sitemap/"))
    assert 'href="/appeals/track/"' in text_of(client.get(reverse("applications:progress")))

    appeal = anonymous_appeal(client, world)
    done = text_of(client.get(reverse("appeals:submitted")))
    assert f'href="/appeals/track/?number={appeal.number}"' in done
    form = client.get(reverse("appeals:track"), {"number": appeal.number}).context["form"]
    assert form.initial["number"] == appeal.number and f'value="{appeal.number}"' in text_of(
        client.get(reverse("appeals:track"), {"number": appeal.number})
    )

    # An appeal's number typed where an application's 查询码 goes: told where to look instead.
    response = client.post(reverse("applications:progress"), {"code": appeal.number.lower()})
    assert response.status_code == 400
    html = text_of(response)
    assert "这是诉求（12345）的工单编号" in html and f"/appeals/track/?number={appeal.number}" in html
    other = text_of(client.post(reverse("applications:progress"), {"code": "ABCD"}))
    assert "这是诉求（12345）的工单编号" not in other


def test_an_anonymous_ticket_is_told_by_sms_with_its_region_and_centre(client, world):
    appeal = anonymous_appeal(client, world)
    district = world["enterprise"].region
    done = text_of(client.get(reverse("appeals:submitted")))
    assert district.name in done and "未设城运中心（12345），由" in done
    html = text_of(client.post(reverse("appeals:track"), {"number": appeal.number, "code": appeal.tracking_code}))
    assert "站内消息" not in html and "答复后会以短信通知您。" in html
    assert f'data-testid="appeal-region">{district.name}<' in html
    assert f"{district.name}未设城运中心（12345），由{world['centre'].name}受理。" in html


def test_the_replies_box_is_worded_by_state(signed_in, world):
    open_one = portal_appeal(world["enterprise"])
    html = text_of(signed_in.get(open_one.get_absolute_url()))
    assert "承办部门尚未答复。答复后会以站内消息和短信通知您。" in html

    withdrawn = portal_appeal(world["enterprise"])
    perform(withdrawn, "withdraw", by=world["user"], reason="问题已自行解决")
    html = text_of(signed_in.get(withdrawn.get_absolute_url()))
    assert "承办部门尚未答复" not in html and "诉求已撤回，不再办理" in html
    assert "撤回原因：问题已自行解决" in html

    rejected = portal_appeal(world["enterprise"])
    perform(rejected, "reject", by=world["operator"], reason="不属于政务服务范围")
    html = text_of(signed_in.get(rejected.get_absolute_url()))
    assert "承办部门尚未答复" not in html and "诉求不予受理" in html
    assert "不予受理理由：不属于政务服务范围" in html


def test_the_timeline_reads_as_what_happened_and_a_return_is_plain(signed_in, world):
    appeal = dispatched(world, portal_appeal(world["enterprise"]))
    perform(appeal, "return", by=world["handler"], reason="请改派市人社局")
    html = text_of(signed_in.get(appeal.get_absolute_url()))
    steps = html[html.index('data-testid="timeline"') :]
    for text in ("提交诉求", "受理", "派单至市科技局", "签收", "退单理由：请改派市人社局", "状态：重新派单中"):
        assert text in steps, text
    assert "已退单待改派" not in html and "重新派单中" in html
    listed = text_of(signed_in.get(reverse("appeals:mine")))
    assert "已退单待改派" not in listed and "重新派单中" in listed

    rsj = department("市人社局", world["department"].region)
    perform(appeal, "dispatch", by=world["operator"], department=rsj)
    perform(appeal, "sign", by=handler_of(rsj))
    perform(appeal, "reply", by=handler_of(rsj), reason="经核实，已为贵公司办理稳岗返还。")
    perform(appeal, "evaluate", by=world["user"], satisfaction="satisfied")
    html = text_of(signed_in.get(appeal.get_absolute_url()))
    assert "派单至市人社局" in html and "市人社局答复" in html and "评价：满意" in html


def test_the_list_reads_well_on_a_phone(signed_in, world):
    for status in ("submitted", "withdrawn"):
        appeal = portal_appeal(world["enterprise"])
        if status == "withdrawn":
            perform(appeal, "withdraw", by=world["user"])
    html = text_of(signed_in.get(reverse("appeals:mine")))
    # The deadline and its kind are one value of the stacked row, not a second line in the label column.
    assert re.search(
        r'data-testid="current-deadline"><span class="nowrap">[0-9-]{10}</span>'
        r'<span class="muted">（诉求受理时限）</span></span>',
        html,
    )
    assert 'class="facet facet-chips"' in html and "css/appeals.css" in html


def test_the_form_groups_matters_by_policy_and_names_its_limits(client, world):
    first, second = PolicyFactory(title="稳岗返还政策"), PolicyFactory(title="高企奖励政策")
    Policy.objects.filter(pk__in=[first.pk, second.pk]).update(status=Policy.Status.PUBLISHED)
    published_matter(name="稳岗返还", policy=first)
    published_matter(name="高企首次认定奖励", policy=second)
    html = text_of(client.get(NEW))
    assert '<optgroup label="稳岗返还政策">' in html and '<optgroup label="高企奖励政策">' in html
    assert f'data-policy="{first.pk}"' in html and "js/appeals.js" in html
    assert '<option value="" selected>请选择区划</option>' in html and "---------" not in html
    assert 'maxlength="5000"' in html and "10至5000字" in html
    # Any matter may still be chosen (without the script nothing is narrowed).
    matter = published_matter(name="另一事项", policy=second)
    form = client.get(NEW, {"matter": matter.code}).context["form"]
    assert form.initial["matter"] == matter.pk


def test_an_unknown_appeal_has_its_own_not_found_page(signed_in, world):
    response = signed_in.get("/appeals/SQ20990101000001/")
    html = text_of(response)
    assert response.status_code == 404 and "没有找到这件诉求" in html and "政策下线" not in html
    theirs = portal_appeal()
    assert "没有找到这件诉求" in text_of(signed_in.get(theirs.get_absolute_url()))


def test_the_phone_message_ends_with_a_full_stop(signed_in):
    html = text_of(signed_in.post(NEW, {**VALID, "contact_phone": "12345"}))
    assert "请输入正确的11位中国大陆手机号码。" in html


def test_english_counts_working_days_and_names_the_kind_enquiry(world):
    from django.test import Client

    appeal = portal_appeal(world["enterprise"], kind="consultation")
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(world["user"])
    html = text_of(client.get(appeal.get_absolute_url()))
    assert "Limit: 1 working day<" in html and "1 working days" not in html
    assert "Enquiry" in html and "Enquiries" not in html
    assert "Enquiry" in text_of(client.get(reverse("appeals:mine")))


def test_the_tracking_code_has_no_easily_confused_characters():
    from appeals.models import _tracking_code

    seen = set("".join(_tracking_code() for _ in range(400)))
    assert not seen & set("0O1IL") and len(seen) > 20
