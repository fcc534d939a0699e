"""The portal's shared pages: error pages, accessibility preferences, language switch, security of the markup."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import Client

from portal.core import views
from portal.core.navigation import Section, main_navigation, navigation
from portal.core.registry import check_registries
from tests.factories.accounts import EnterpriseUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_errors(settings):
    """Error handlers only run when DEBUG is off, as in production."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.core.urls"


def html_class(response) -> list[str]:
    match = re.search(r'<html lang="[^"]*" class="([^"]*)"', response.content.decode())
    return match.group(1).split() if match else []


class Markup(HTMLParser):
    """Collects what the CSP cares about: scripts, inline styles, inline event handlers; and the first link."""

    def __init__(self):
        super().__init__()
        self.scripts, self.inline_scripts, self.style_attributes, self.handlers, self.tags = [], 0, [], [], []
        self.first_link = None
        self._in_body = False
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "body":
            self._in_body = True
        if tag == "script":
            self.scripts.append(attrs)
            self._in_script = "src" not in attrs
        if tag == "style":
            self.inline_scripts += 1
        if "style" in attrs:
            self.style_attributes.append(tag)
        self.handlers += [name for name in attrs if name.startswith("on")]
        if self._in_body and self.first_link is None and tag in ("a", "button", "input", "select", "textarea"):
            self.first_link = attrs

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def parse(response) -> Markup:
    markup = Markup()
    markup.feed(response.content.decode())
    return markup


# --- error pages -------------------------------------------------------------------------------


def test_bad_request_page_is_in_chinese_with_status_400(client, production_errors):
    response = client.get("/raise/400/")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_forbidden_page_is_in_chinese_with_status_403(client, production_errors):
    response = client.get("/raise/403/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_not_found_page_offers_search_and_the_way_home(client, production_errors):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body
    assert 'action="/policies/search/"' in body
    assert "返回首页" in body


def test_server_error_page_is_in_chinese_with_status_500(production_errors):
    client = Client(raise_request_exception=False)
    response = client.get("/raise/500/")
    assert response.status_code == 500
    assert "系统繁忙" in response.content.decode()


def test_server_error_page_survives_a_failing_context_processor(production_errors, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    "tests.core.test_pages.failing_context_processor",
                ],
            },
        }
    ]
    client = Client(raise_request_exception=False)
    response = client.get("/raise/500/")
    assert response.status_code == 500
    assert "系统繁忙" in response.content.decode()


def failing_context_processor(request):
    raise RuntimeError("a context processor that needs the database, which is down")


def test_server_error_page_does_not_query_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500


def test_stale_form_gets_the_expired_page(production_errors):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/a11y/", {"font": "large"})
    assert response.status_code == 403
    assert "页面已过期，请刷新后重试" in response.content.decode()


def test_lockout_page_says_how_many_minutes_to_wait(rf):
    body = render_to_string(
        "errors/locked.html",
        {"cooloff_timedelta": timedelta(minutes=30), "cooloff_time": "PT30M", "failure_limit": 5},
        request=rf.get("/accounts/login/"),
    )
    assert "登录失败次数过多，账户已临时锁定，请 30 分钟后再试" in body


# --- accessibility (适老化) ----------------------------------------------------------------------


def test_choosing_large_font_sets_a_cookie_and_returns_to_the_page(client):
    response = client.post("/a11y/", {"font": "large", "next": "/help/"})
    assert response.status_code == 302
    assert response["Location"] == "/help/"
    assert response.cookies["a11y_font"].value == "large"


def test_the_next_page_is_rendered_in_large_font(client):
    client.post("/a11y/", {"font": "large", "next": "/"})
    assert "font-large" in html_class(client.get("/"))


def test_high_contrast_persists_on_the_next_page(client):
    response = client.post("/a11y/", {"contrast": "high", "next": "/"})
    assert response.cookies["a11y_contrast"].value == "high"
    page = client.get("/")
    assert "contrast-high" in html_class(page)
    assert 'name="contrast" value="normal"' in page.content.decode()


def test_high_contrast_can_be_turned_off(client):
    client.post("/a11y/", {"contrast": "high"})
    client.post("/a11y/", {"contrast": "normal"})
    assert "contrast-high" not in html_class(client.get("/"))


def test_unknown_font_size_is_ignored(client):
    response = client.post("/a11y/", {"font": "huge"})
    assert "a11y_font" not in response.cookies
    assert "font-medium" in html_class(client.get("/"))


def test_preference_never_redirects_to_another_site(client):
    response = client.post("/a11y/", {"font": "small", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_background_save_by_the_script_answers_204_and_sets_the_cookie(client):
    response = client.post("/a11y/", {"font": "small"}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 204
    assert response.cookies["a11y_font"].value == "small"


def test_preference_forms_are_plain_posts_that_work_without_javascript(client):
    markup = parse(client.get("/"))
    forms_to_a11y = [attrs for tag, attrs in markup.tags if tag == "form" and attrs.get("action") == "/a11y/"]
    assert len(forms_to_a11y) == 2
    assert all(attrs["method"] == "post" for attrs in forms_to_a11y)


# --- language ------------------------------------------------------------------------------------


def test_pages_are_chinese_by_default(client):
    assert '<html lang="zh-hans"' in client.get("/").content.decode()


def test_language_switch_turns_the_page_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en"' in client.get("/").content.decode()


def test_english_button_is_marked_as_english(client):
    assert '<button type="submit" name="language" value="en" lang="en"' in client.get("/").content.decode()


# --- markup and security ---------------------------------------------------------------------------


def test_home_page_sends_a_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy


def test_home_page_has_no_inline_script_style_or_event_handler(client):
    markup = parse(client.get("/"))
    assert markup.scripts, "the page loads its script from a file"
    assert all("src" in script for script in markup.scripts)
    assert markup.inline_scripts == 0
    assert markup.style_attributes == []
    assert markup.handlers == []


def test_skip_link_is_the_first_link_and_targets_main(client):
    markup = parse(client.get("/"))
    assert markup.first_link == {"class": "skip-link", "href": "#main"}
    assert ("main", {"id": "main", "tabindex": "-1"}) in markup.tags


def test_skip_link_text_is_chinese(client):
    assert '<a class="skip-link" href="#main">跳到主要内容</a>' in client.get("/").content.decode()


def test_emblem_has_alt_text(client):
    images = [attrs for tag, attrs in parse(client.get("/")).tags if tag == "img"]
    assert images
    assert all(attrs.get("alt") for attrs in images if "brand-mark" in attrs.get("class", ""))


def test_header_search_sends_q_to_policy_search(client):
    body = client.get("/").content.decode()
    assert re.search(r'<form class="site-search" role="search" method="get" action="/policies/search/">', body)
    assert 'name="q"' in body


def test_signed_in_user_sees_their_name_and_a_logout_form(client):
    client.force_login(EnterpriseUserFactory(name="张三"), backend="django.contrib.auth.backends.ModelBackend")
    body = client.get("/").content.decode()
    assert '<span class="user-name">张三</span>' in body
    assert '<form method="post" action="/accounts/logout/" class="logout-form">' in body
    assert 'href="/accounts/login/"' not in body


def test_unread_site_messages_show_as_a_badge(rf):
    request = rf.get("/")
    request.user = EnterpriseUserFactory(name="张三")
    body = render_to_string("base.html", {"unread_message_count": 3}, request=request)
    assert '<span class="badge badge-alert">3<span class="visually-hidden"> 条未读</span></span>' in body


def test_anonymous_reader_sees_login_and_register(client):
    body = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in body
    assert 'href="/accounts/register/"' in body


# --- navigation ------------------------------------------------------------------------------------


def test_home_is_current_only_on_the_home_page():
    assert [item["url"] for item in navigation("/") if item["current"]] == ["/"]
    assert [item["url"] for item in navigation("/policies/12/") if item["current"]] == ["/policies/"]


def test_a_section_under_another_is_current_on_its_pages_not_its_parent():
    registered = {entry.obj.url() for entry in main_navigation.entries()}
    added = []
    for key, url, label, order in (
        ("test_matters", "/matters/", "事项", 30),
        ("test_calculator", "/matters/calculator/", "政策计算器", 40),
    ):
        if url not in registered:
            main_navigation.add(key, Section(url), label=label, order=order)
            added.append(key)
    try:
        assert [item["url"] for item in navigation("/matters/calculator/") if item["current"]] == [
            "/matters/calculator/"
        ]
        assert [item["url"] for item in navigation("/matters/3/") if item["current"]] == ["/matters/"]
    finally:
        for key in added:
            main_navigation.unregister(key)


def test_current_section_is_marked_for_screen_readers(client):
    body = client.get("/").content.decode()
    assert '<a href="/" aria-current="page">首页</a>' in body
    assert body.count('aria-current="page"') == 1


def test_the_navigation_shows_the_sections_that_exist(client):
    body = client.get("/help/").content.decode()
    for label in ("首页", "政策", "政策事项", "政策计算器", "我的"):
        assert f">{label}</a>" in body


@pytest.mark.parametrize("label", ["诉求"])
def test_the_navigation_shows_no_section_that_is_not_built(client, label):
    assert f">{label}</a>" not in client.get("/help/").content.decode()


def test_a_section_a_domain_registers_appears_in_the_navigation(client):
    main_navigation.add("test_sitemap", Section("sitemap"), label="网站地图", order=50)
    try:
        body = client.get("/help/").content.decode()
    finally:
        main_navigation.unregister("test_sitemap")
    assert '<li><a href="/sitemap/">网站地图</a></li>' in body


def test_a_section_whose_address_does_not_resolve_fails_the_system_check():
    main_navigation.add("test_broken", Section("nowhere:at-all"), label="坏链接")
    try:
        assert "core.E101" in [message.id for message in check_registries()]
    finally:
        main_navigation.unregister("test_broken")


def test_a_section_is_current_on_the_pages_it_also_stands_for_and_checks_them():
    main_navigation.add("test_parent", Section("/zz/"), label="父", order=98)
    main_navigation.add("test_also", Section("/zz/ask/", also=("/zz/questions/",)), label="问答", order=99)
    try:
        for path in ("/zz/ask/", "/zz/questions/", "/zz/questions/3/"):
            assert [item["url"] for item in navigation(path) if item["current"]] == ["/zz/ask/"], path
        assert [item["url"] for item in navigation("/zz/12/") if item["current"]] == ["/zz/"]
    finally:
        main_navigation.unregister("test_parent")
        main_navigation.unregister("test_also")
    main_navigation.add("test_broken_also", Section("/zz/", also=("nowhere:at-all",)), label="坏链接")
    try:
        assert "core.E101" in [message.id for message in check_registries()]
    finally:
        main_navigation.unregister("test_broken_also")


# --- static pages and home -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title"), [("/sitemap/", "网站地图"), ("/privacy/", "隐私声明"), ("/help/", "使用帮助")]
)
def test_footer_pages_exist(client, url, title):
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_home_shows_an_honest_empty_state_without_data(client):
    body = client.get("/").content.decode()
    assert "暂无已发布的政策" in body


def test_home_renders_the_policies_it_is_given(rf):
    request = rf.get("/")
    rows = [
        {
            "wide": True,
            "blocks": [
                {
                    "template": "policies/home/figures.html",
                    "data": [{"label": "现行有效政策", "value": 128, "unit": "项"}],
                }
            ],
        },
        {
            "wide": False,
            "blocks": [
                {
                    "template": "policies/home/latest.html",
                    "data": [
                        {"title": "关于支持专精特新企业发展的若干措施", "url": "/policies/7/", "issuer": "市经信局"}
                    ],
                },
                {
                    "template": "policies/home/browse.html",
                    "data": {
                        "categories": [{"name": "科技创新", "count": 12, "url": "/policies/?category=tech"}],
                        "levels": [{"name": "市级", "count": 30, "url": "/policies/?level=city"}],
                    },
                },
            ],
        },
    ]
    body = render_to_string("home.html", {"home_rows": rows}, request=request)
    assert '<a href="/policies/7/">关于支持专精特新企业发展的若干措施</a>' in body
    assert '科技创新 <span class="count">12</span>' in body
    assert '市级 <span class="count">30</span>' in body
    assert '<span class="stat-value">128 <span class="stat-unit">项</span>' in body
    assert "暂无已发布的政策" not in body


# --- shared partials -------------------------------------------------------------------------------


class ContactForm(forms.Form):
    name = forms.CharField(label="联系人", help_text="填写经办人姓名")
    note = forms.CharField(label="备注", required=False)


def test_form_partial_links_errors_and_help_to_the_field(rf):
    form = ContactForm(data={"name": ""})
    body = render_to_string("includes/form.html", {"form": form}, request=rf.get("/"))
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_name_helptext id_name_error"' in body
    assert '<div class="helptext" id="id_name_helptext">填写经办人姓名</div>' in body
    assert 'id="id_name_error"' in body


def test_form_partial_marks_required_fields_only(rf):
    body = render_to_string("includes/form.html", {"form": ContactForm()}, request=rf.get("/"))
    name_label, note_label = re.findall(r"<label for=\"id_\w+\">.*?</label>", body)
    assert "必填" in name_label
    assert "必填" not in note_label


def test_pagination_keeps_the_other_query_parameters(rf):
    page = Paginator(list(range(100)), 10).page(3)
    request = rf.get("/policies/", {"q": "人才", "level": "city", "page": "3"})
    body = render_to_string("includes/pagination.html", {"page_obj": page}, request=request)
    assert 'href="?q=%E4%BA%BA%E6%89%8D&amp;level=city&amp;page=4" rel="next"' in body
    assert 'aria-current="page" href="?q=%E4%BA%BA%E6%89%8D&amp;level=city&amp;page=3"' in body


def test_pagination_is_absent_for_a_single_page(rf):
    page = Paginator([1, 2], 10).page(1)
    assert "pagination" not in render_to_string("includes/pagination.html", {"page_obj": page}, request=rf.get("/"))


def test_opening_a_post_only_address_shows_a_chinese_page_not_an_empty_405(client):
    from tests.factories.enterprises import EnterpriseMemberFactory

    member = EnterpriseMemberFactory()
    client.force_login(member.user)

    response = client.get(f"/enterprise/{member.enterprise.uscc}/members/1/remove/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "不能直接打开此地址" in page and "返回首页" in page
