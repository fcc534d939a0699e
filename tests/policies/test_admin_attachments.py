"""Attachments typed in the policy admin, as department staff add them (CSRF enforced, the real change form)."""

from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.models import Policy, PolicyAttachment
from tests.backoffice import pages
from tests.backoffice.roundtrip import AdminPage, signed_in

pytestmark = pytest.mark.django_db

PREFIX = "attachments"


def _policy_admin():
    return admin.site._registry[Policy]


def _pdf(name, pages_count=1):
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages_count):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _add_rows(page, uploads):
    """Types one attachment row per (title, file) into the inline, as “添加另一个 政策附件” does."""
    start = int(page.data[f"{PREFIX}-TOTAL_FORMS"][0])
    for offset, (title, upload) in enumerate(uploads):
        row = f"{PREFIX}-{start + offset}-"
        page.set(row + "title", title)
        page.set(row + "order", "0")
        page.set(row + "policy", page.data.get(f"{PREFIX}-__prefix__-policy", [""])[0])
        page.files[row + "file"] = upload
    page.set(f"{PREFIX}-TOTAL_FORMS", str(start + len(uploads)))
    return page


def _change_page(user, policy):
    url = reverse("admin:policies_policy_change", args=[policy.pk])
    return AdminPage(signed_in(user), url, _policy_admin(), user, policy)


def test_a_second_attachment_is_added_to_a_draft(policy, editor_a):
    _add_rows(_change_page(editor_a, policy), [("政策原文", _pdf("原文.pdf"))]).post()
    response = _add_rows(_change_page(editor_a, policy), [("申报指南", _pdf("指南.pdf", 2))]).post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    assert sorted(policy.attachments.values_list("title", flat=True)) == ["政策原文", "申报指南"]


def test_two_attachments_are_added_at_once(policy, editor_a):
    page = _add_rows(
        _change_page(editor_a, policy), [("政策原文", _pdf("原文.pdf")), ("申报指南", _pdf("指南.pdf", 2))]
    )
    response = page.post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    assert policy.attachments.count() == 2


def _stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_the_same_file_added_again_is_refused_in_chinese_and_nothing_is_stored(policy, editor_a, settings):
    _add_rows(_change_page(editor_a, policy), [("政策原文", _pdf("原文.pdf"))]).post()
    before = _stored_files(settings)
    response = _add_rows(_change_page(editor_a, policy), [("政策原文（另存）", _pdf("原文副本.pdf"))]).post()
    assert response.status_code == 200
    assert "该附件已上传。" in pages.form_errors(response) + pages.context_errors(response)
    assert policy.attachments.count() == 1
    assert _stored_files(settings) == before


def test_the_same_file_twice_in_one_save_is_refused_and_nothing_is_stored(policy, editor_a, settings):
    before = _stored_files(settings)
    page = _add_rows(_change_page(editor_a, policy), [("政策原文", _pdf("原文.pdf")), ("附件一", _pdf("附件一.pdf"))])
    response = page.post()
    assert response.status_code == 200
    assert "该附件已上传。" in pages.form_errors(response) + pages.context_errors(response)
    assert not policy.attachments.exists()
    assert _stored_files(settings) == before


def test_a_new_policy_with_two_attachments_is_saved(editor_a):
    url = reverse("admin:policies_policy_add")
    page = AdminPage(signed_in(editor_a), url, _policy_admin(), editor_a).fill_required()
    page.set("title", "宜昌市促进科技成果转化若干措施")
    response = _add_rows(page, [("政策原文", _pdf("原文.pdf")), ("申报指南", _pdf("指南.pdf", 2))]).post()
    assert response.status_code == 302, pages.form_errors(response) + pages.context_errors(response)
    policy = Policy.objects.get(title="宜昌市促进科技成果转化若干措施")
    assert policy.attachments.count() == 2


def test_files_stored_by_a_save_that_fails_later_are_deleted(policy, editor_a, settings, monkeypatch):
    from policies.admin import PolicyAdmin

    def fail(*args, **kwargs):
        raise RuntimeError("储存之后失败")

    monkeypatch.setattr(PolicyAdmin, "log_change", fail)
    before = _stored_files(settings)
    page = _add_rows(_change_page(editor_a, policy), [("政策原文", _pdf("原文.pdf"))])
    page.client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        page.post()
    assert not PolicyAttachment.objects.filter(policy=policy).exists()
    assert _stored_files(settings) == before
