"""Every admin add and change form, submitted by every demo role as a person would (generated).

For each registered ModelAdmin and each demo account (a real role group, a real
department membership, permissions only from roles.py):

- a role that may add or change opens the form, fills what is required, adds a
  row to every inline it may add to, and presses 保存 with the page's CSRF token:
  it is redirected, the row is saved, a history record and a LogEntry name the user;
- the same form posted back invalid is shown again with a Chinese error, and nothing changes;
- a role that may not gets 403 or 404, never a 500, and nothing changes.

Who "may" is the ModelAdmin's own answer for that user: this sweep proves the
forms work for everyone they are offered to. Whether each role is offered the
right things is specified independently in tests/org/test_role_tasks.py.
"""

import contextlib

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from portal.org import demo as org_demo
from tests.backoffice import pages
from tests.backoffice.conftest import kept_for_the_module, make_draft_policy, publish, staff_by_login
from tests.backoffice.roundtrip import AdminPage, signed_in
from tests.backoffice.samples import SAMPLES

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
LOGINS = [login for login, *_rest in org_demo.STAFF]
MODEL_CASES = [pytest.param(model, id=model._meta.label_lower) for model in MODELS]

# What a person edits on a change form, where the first free text field is not the natural choice.
EDITS = {
    "org.membership": {"role": "clerk"},
    "workcalendar.calendaryear": {},
    "enterprises.correctionrequest": {"decision": "answered", "answer": "已核实，地址已更正。"},
    "enterprises.enterprisemember": {},
    "applications.rectification": {"answer": "已约谈经办人员，明确专人接听咨询电话，并向企业致歉说明。"},
    "engagement.sessionquestion": {"answer": "认定公布后两个月内兑付到企业账户。"},
}
TEXT_FIELDS = ["name", "title", "summary", "address", "word", "canonical", "short_name"]

# The add page that is not a model form: the import job's upload page replaces it.
ADD_IS_ELSEWHERE = {"enterprise_imports.importjob"}
# A change page that is a report (the import job's progress and errors): it has nothing to post.
CHANGE_IS_A_REPORT = {"enterprise_imports.importjob"}


@pytest.fixture(scope="module")
def _reference_data(django_db_setup, django_db_blocker):
    """The demo staff and what a person picks from when filling these forms: a manual tag, an enterprise,
    a public policy. Made once for the module; each test (and each role in it) rolls back its own writes."""
    from enterprises.models import Tag, TagCategory
    from portal.org.models import Department
    from tests.factories.enterprises import EnterpriseFactory

    with kept_for_the_module(django_db_blocker):
        org_demo.load()
        publish(make_draft_policy(Department.objects.get(code="yc-kjj")), staff_by_login())
        category = TagCategory.objects.create(code="ref-cat", name="参考类别")
        Tag.objects.create(category=category, code="ref-tag", name="参考标签")
        EnterpriseFactory()
        yield


@pytest.fixture
def staff(_reference_data, db):
    return staff_by_login()


@contextlib.contextmanager
def _rolled_back():
    """Each role starts from the same data: what one role saved is undone before the next one tries."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _label(model):
    return model._meta.label_lower


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _snapshot(obj):
    obj = type(obj)._default_manager.filter(pk=obj.pk).first()
    return None if obj is None else model_to_dict(obj)


def _assert_logged(model, obj, user, flag):
    if hasattr(model, "history"):
        latest = obj.history.order_by("-history_date").first()
        assert latest is not None and latest.history_user == user, f"no history record by {user} for {obj!r}"
    assert LogEntry.objects.filter(
        user=user, object_id=str(obj.pk), action_flag=flag, content_type__model=model._meta.model_name
    ).exists(), f"no admin LogEntry for {obj!r}"


def _first_required_text(page):
    """The first required field that holds a value on the page, to be cleared for the invalid post."""
    form_class = page.modeladmin.get_form(_request(page.user), page.obj, change=page.obj is not None)
    for name, field in form_class(instance=page.obj).fields.items():
        if field.required and not field.disabled and any(page.data.get(name, [])):
            return name
    return None


def _assert_reshown_in_chinese(response):
    assert response.status_code == 200, response.status_code
    tree = pages.parse(response.content)
    errors = pages.text(tree, "errorlist") + pages.text(tree, "errornote")
    assert errors.strip(), "the form was not shown again with errors"
    assert pages.has_chinese(errors), f"the error is not in Chinese: {errors}"


def _post_with_token(client, url, data=None):
    """A POST carrying a valid CSRF token, so a refusal is the permission's, not CSRF's.

    The token is the browser's own: the CSRF cookie and the same secret in the form, as any admin page would
    have set and rendered them (fetching the admin index for it cost a whole app list per refusal).
    """
    token = pages.csrf_cookie(client)
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


def _refused(response, client=None):
    """403 or 404; an add page that lives elsewhere may redirect there first, and be refused there."""
    if client is not None and response.status_code == 302 and "/login/" not in response["Location"]:
        response = client.get(response["Location"])
    assert response.status_code in (403, 404), response.status_code


@pytest.mark.parametrize("model", MODEL_CASES)
def test_add_form(staff, model, subtests):
    for login in LOGINS:
        with subtests.test(login=login), _rolled_back():
            _add_form(staff[login], model)


def _add_form(user, model):
    modeladmin = admin.site._registry[model]
    client = signed_in(user)
    url = _url(model, "add")
    before = set(model._default_manager.values_list("pk", flat=True))
    if not modeladmin.has_add_permission(_request(user)):
        _refused(client.get(url), client)
        _refused(_post_with_token(client, url), client)
        assert set(model._default_manager.values_list("pk", flat=True)) == before
        return
    if _label(model) in ADD_IS_ELSEWHERE:
        response = client.get(url)
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
        return

    invalid = AdminPage(client, url, modeladmin, user)
    cleared = _first_required_text(invalid.fill_required())
    if cleared is not None:
        invalid.set(cleared, "")
        _assert_reshown_in_chinese(invalid.post())
        assert set(model._default_manager.values_list("pk", flat=True)) == before

    page = AdminPage(client, url, modeladmin, user).fill_required().add_inline_rows()
    response = page.post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    created = model._default_manager.exclude(pk__in=before)
    assert created.count() == 1
    obj = created.get()
    _assert_rows_saved(page, obj)
    _assert_logged(model, obj, user, ADDITION)


def _assert_rows_saved(page, obj):
    for model, key in page.added_rows:
        assert model._default_manager.filter(**{key: obj}).exists(), f"the {model._meta.verbose_name} row was not saved"


def _edit(page, model):
    """Changes one thing as a person would; returns {field: new value} to check after saving."""
    label = _label(model)
    if label in EDITS:
        for name, value in EDITS[label].items():
            page.set(name, value)
        return {name: value for name, value in EDITS[label].items() if name != "decision"}
    for name in TEXT_FIELDS:
        if any(page.data.get(name, [])):
            value = page.data[name][0][:20] + "（改）"
            page.set(name, value)
            return {name: value}
    return {}


@pytest.mark.parametrize("model", MODEL_CASES)
def test_change_form(staff, model, subtests):
    for login in LOGINS:
        with subtests.test(login=login), _rolled_back():
            _change_form(staff, staff[login], model)


def _change_form(staff, user, model):
    modeladmin = admin.site._registry[model]
    obj = SAMPLES[_label(model)](staff)
    url = _url(model, "change", obj.pk)
    client = signed_in(user)
    request = _request(user)
    visible = modeladmin.get_queryset(request).filter(pk=obj.pk).exists()
    may_view = visible and modeladmin.has_view_or_change_permission(request, obj)
    may_change = visible and modeladmin.has_change_permission(request, obj)
    before = _snapshot(obj)

    if not may_view:
        _refused(client.get(url))
        _refused(_post_with_token(client, url))
        assert _snapshot(obj) == before
        return
    if not may_change:
        response = client.get(url)
        assert response.status_code == 200
        assert 'name="_save"' not in response.content.decode(), "a read-only page offers 保存"
        response = _post_with_token(client, url, {"_save": "保存"})
        if _label(model) in CHANGE_IS_A_REPORT:
            assert response.status_code == 200
        else:
            _refused(response)
        assert _snapshot(obj) == before
        return

    invalid = AdminPage(client, url, modeladmin, user, obj)
    cleared = _first_required_text(invalid)
    if cleared is not None:
        invalid.set(cleared, "")
        _assert_reshown_in_chinese(invalid.post())
        assert _snapshot(obj) == before

    page = AdminPage(client, url, modeladmin, user, obj).fill_required().add_inline_rows()
    expected = _edit(page, model)
    response = page.post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    obj.refresh_from_db()
    for name, value in expected.items():
        assert str(getattr(obj, name)) == value, name
    _assert_rows_saved(page, obj)
    _assert_logged(model, obj, user, CHANGE)
