import pytest

from portal.documents.registry import document_kinds, register_kind

TEST_KIND = "test_receipt"


@pytest.fixture(autouse=True)
def receipt_kind():
    """A document kind as a domain registers it (受理回执)."""
    register_kind(TEST_KIND, "受理回执")
    yield TEST_KIND
    document_kinds.unregister(TEST_KIND)


@pytest.fixture
def department(db):
    from tests.factories.org import DepartmentFactory

    return DepartmentFactory(name="宜昌市科学技术局")


@pytest.fixture
def issued(department):
    """A receipt of 市科技局 for an object of the portal (here the department itself stands in for an application)."""
    from portal.documents.services import issue

    return issue(
        TEST_KIND,
        "documents/base.html",
        {},
        title="宜昌市科技创新奖励申报受理回执",
        department=department,
        obj=department,
    )


def read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()
