"""受理回执, 一次性告知书 and 决定书: issued after the transition as signed PDFs (pyHanko validates them), readable
by pdftotext, once per event."""

import subprocess

import pytest

from applications import documents, services
from applications.workflow import perform
from portal.org.roles import Role
from tests.factories import files
from tests.factories.applications import enterprise_with_user, published_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import member

pytestmark = [pytest.mark.django_db, pytest.mark.documents]


def _text(document) -> str:
    document.file.open("rb")
    data = document.file.read()
    document.file.close()
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_receipt_notice_and_decision_are_signed_and_issued_once():
    from portal.documents.services import verify

    matter = published_matter()
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.start(enterprise, matter, by=user)
    services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
    material = matter.materials.first()
    services.attach(application, material, files.upload("a.pdf", files.pdf()), by=user)
    application = services.submit(application, by=user)
    reviewer = member(matter.department, Role.REVIEWER)
    perform(application, "request_supplement", by=reviewer, items=[{"material": material.pk, "detail": "须盖章"}])
    notice = documents.documents_of(application).get(kind="application_notice")
    assert "须盖章" in _text(notice)
    application.notices.get().refresh_from_db()
    assert application.notices.get().document_code == notice.code
    services.attach(application, material, files.upload("b.pdf", files.pdf()), by=user)
    perform(application, "resubmit", by=user)
    perform(application, "accept", by=reviewer)
    receipt = documents.documents_of(application).get(kind="application_receipt")
    text = _text(receipt)
    assert application.number in text and application.grouped_code in text
    assert documents.issue_for(application, "receipt").pk == receipt.pk  # a retried effect issues nothing new
    approver = member(matter.department, Role.APPROVER)
    perform(application, "approve", by=approver, approved_amount="200000", reason="同意")
    decision = documents.documents_of(application).get(kind="application_decision")
    assert "核准" in _text(decision)
    decision.file.open("rb")
    data = decision.file.read()
    decision.file.close()
    assert verify(decision.code, data).authentic
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    assert not verify(decision.code, bytes(tampered)).authentic


def test_the_enterprise_downloads_its_documents_and_no_one_elses(client):
    matter = published_matter()
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.start(enterprise, matter, by=user)
    services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
    services.attach(application, matter.materials.first(), files.upload("a.pdf", files.pdf()), by=user)
    application = services.submit(application, by=user)
    perform(application, "accept", by=member(matter.department, Role.REVIEWER))
    receipt = documents.documents_of(application).get()
    client.force_login(user)
    page = client.get(application.get_absolute_url())
    url = f"/applications/{application.number}/documents/{receipt.code}/"
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(enterprise_with_user().user)
    assert client.get(url).status_code == 404


def test_the_reviewer_downloads_the_documents_from_the_one_screen(client):
    matter = published_matter()
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.start(enterprise, matter, by=user)
    services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
    services.attach(application, matter.materials.first(), files.upload("a.pdf", files.pdf()), by=user)
    application = services.submit(application, by=user)
    reviewer = member(matter.department, Role.REVIEWER)
    perform(application, "accept", by=reviewer)
    receipt = documents.documents_of(application).get()
    client.force_login(reviewer)
    page = client.get(f"/admin/applications/application/{application.pk}/change/")
    url = f"/admin/applications/application/{application.pk}/documents/{receipt.code}/"
    assert url in page.content.decode()
    assert client.get(url).status_code == 200
    client.force_login(member(DepartmentFactory(region=matter.region), Role.REVIEWER))
    assert client.get(url).status_code in (403, 404)
