"""PDFs carry real, extractable Chinese text (checked with pdftotext)."""

import subprocess

from portal.core.pdf import render_pdf


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_chinese_text_is_embedded_as_text(tmp_path):
    data = render_pdf("pdf/base.html", {}, title="受理回执：宜昌市高新技术企业认定奖励")
    assert data.startswith(b"%PDF-")
    assert "受理回执：宜昌市高新技术企业认定奖励" in pdftotext(data, tmp_path)
