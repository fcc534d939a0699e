"""The application's documents: 受理回执, 一次性告知书 and 决定书, issued as signed PDFs."""


def issue_for(application, kind: str):
    return None
