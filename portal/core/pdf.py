"""PDF documents (receipts, notices, approvals) rendered from templates with WeasyPrint.

The CJK font comes from the system (fonts-wqy-microhei / fonts-noto-cjk,
installed by the setup scripts and the Dockerfile), so Chinese text is
embedded as real text that `pdftotext` and screen readers can read.
"""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, title: str = "") -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs time every process would pay

    html = render_to_string(template_name, {"title": title, **context})
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static"))
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
