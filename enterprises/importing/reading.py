"""Reading an uploaded file: what it really is (by content, not by name), and its rows one at a time.

CSV: UTF-8 with or without a byte-order mark, or GB18030 (which includes GBK
and GB2312, what Excel on a Chinese Windows writes). Excel: .xlsx only, read
with openpyxl in read-only mode so a large sheet is streamed, not loaded, and
read to its last row whatever the sheet's ``<dimension ref>`` says: WPS and
other generators write a dimension that understates the sheet (``A1``), and
openpyxl in read-only mode stops where the dimension says.
Line numbers are those a person sees: the header is line 1.
"""

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

import filetype
from django.utils.translation import gettext as _

from portal.core import uploads

SNIFF_BYTES = 64 * 1024


def _header_text(value) -> str:
    return str(value).strip().lstrip("\ufeff") if value is not None else ""


class UnreadableFileError(ValueError):
    """The file as a whole cannot be read; the message is Chinese."""


def detect_format(f: BinaryIO, name: str) -> str:
    """'xlsx' or 'csv', judged from the content by the kernel (`portal.core.uploads`); UnreadableFileError otherwise.

    Excel 97-2003 and WPS表格 (.xls/.et) files are recognised and refused with what to do,
    since only .xlsx is read; a PDF, image or executable is refused whatever it is called.
    """
    kind = uploads.detect(f)
    f.seek(0)
    if kind is not None and kind.key == "xlsx":
        return "xlsx"
    if kind is not None and kind.key == "xls":
        raise UnreadableFileError(_("Excel 97-2003或WPS表格（.xls/.et）格式不能导入，请另存为.xlsx或CSV后再上传"))
    if kind is not None:
        raise UnreadableFileError(_("该文件实为%(kind)s，不能导入；%(todo)s") % {"kind": kind.label, "todo": save_as()})
    head = f.read(SNIFF_BYTES)
    f.seek(0)
    if head.startswith(uploads.ZIP_MAGIC) or name.lower().endswith((".xlsx", ".xlsm", ".xls", ".et")):
        raise UnreadableFileError(_("文件不是有效的Excel文件"))
    detect_encoding(head)
    return "csv"


def save_as() -> str:
    return _("请在Excel中打开原始表格，另存为“CSV UTF-8（逗号分隔）”或Excel工作簿（.xlsx）后重新上传")


def binary_message(head: bytes) -> str:
    """What a file that is not CSV text really is, and what to do: a PDF, UTF-16 text (Excel's “Unicode文本”),
    another known format, or binary content."""
    if b"%PDF-" in head[:1024]:
        what = _("PDF文档")
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or head[1:200:2].count(0) > 50:
        what = _("UTF-16编码的文本（Excel“Unicode文本”格式）")
    else:
        guessed = filetype.guess(head)
        what = (_("%(ext)s文件") % {"ext": guessed.extension.upper()}) if guessed else _("二进制文件，不是文本")
    return _("该文件实为%(kind)s，不能导入；%(todo)s") % {"kind": what, "todo": save_as()}


def detect_encoding(head: bytes) -> str:
    """The encoding of a CSV from its first bytes: utf-8-sig, utf-8 or gb18030."""
    if not head.strip():
        raise UnreadableFileError(_("文件为空"))
    if b"\x00" in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFileError(binary_message(head))
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            # final=False: a character cut at the end of the sample is not an error.
            decoder.decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFileError(_("无法识别文件编码，请保存为UTF-8或GB18030编码的CSV"))


HEADER_SEARCH_ROWS = 20


class Rows:
    """Iterates (line number, list of cell values) after the header; `header` is read first.

    The header is the first row, among the first HEADER_SEARCH_ROWS, that `accept` takes (a title line
    such as “2026年企业名录” may stand above it); in a workbook, on the first sheet that has one (a
    填表说明 sheet often comes first). When no sheet has it, the first row of the first sheet is the header
    and `note` says which sheet was read and why.
    """

    def __init__(self, f: BinaryIO, file_format: str):
        self.file = f
        self.format = file_format
        self.header: list[str] = []
        self.header_line = 1
        self.note = ""
        self._iter: Iterator[tuple[int, list]] | None = None
        self.size = f.seek(0, io.SEEK_END)
        f.seek(0)

    def open(self, accept=lambda cells: True) -> list[str]:
        if self.format == "xlsx":
            self._iter = self._xlsx(accept)
        else:
            self._iter = self._with_header(self._csv(), accept)
        try:
            self.header_line, header = next(self._iter)
        except StopIteration:
            raise UnreadableFileError(_("文件没有表头行")) from None
        self.header = [_header_text(h) for h in header]
        return self.header

    @staticmethod
    def _find_header(rows: Iterator[tuple[int, list]], accept) -> tuple[list, bool]:
        """The rows read while looking for the header, and whether the last of them is it."""
        seen = []
        for line, values in rows:
            seen.append((line, values))
            if accept([_header_text(v) for v in values]):
                return seen, True
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
        return seen, False

    def _with_header(self, rows: Iterator[tuple[int, list]], accept):
        """`rows` from its header on: the accepted row, or the first row when none is accepted."""
        seen, found = self._find_header(rows, accept)
        if found:
            yield seen[-1]
        else:
            yield from seen
        yield from rows

    def __iter__(self):
        return self._iter

    def fraction_read(self) -> float:
        """How far through the file reading is, 0–1 (approximate: the reader reads ahead)."""
        try:
            return min(1.0, self.file.tell() / self.size) if self.size else 1.0
        except (OSError, ValueError):
            return 0.0

    def _csv(self):
        encoding = detect_encoding(self.file.read(SNIFF_BYTES))
        self.file.seek(0)
        stream = io.TextIOWrapper(self.file, encoding=encoding, newline="")
        reader = csv.reader(stream)
        line = 1
        try:
            for record in reader:
                yield line, record
                line = reader.line_num + 1
        except UnicodeDecodeError:
            raise UnreadableFileError(
                _("第%(line)d行附近含有不是%(encoding)s编码的字符，请统一保存为UTF-8编码")
                % {"line": line, "encoding": encoding.upper()}
            ) from None
        except csv.Error as exc:
            raise UnreadableFileError(_("第%(line)d行CSV格式错误：%(error)s") % {"line": line, "error": exc}) from None
        finally:
            # Leave the underlying file to its owner (it may already be closed if reading stopped early).
            with contextlib.suppress(ValueError):
                stream.detach()

    def _xlsx(self, accept):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(self.file, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFileError(_("文件不是有效的Excel文件")) from None
        try:
            for index, sheet in enumerate(workbook.worksheets):
                seen, found = self._find_header(self._sheet_rows(sheet), accept)
                if found:
                    if index:
                        self.note = _("已读取工作表“%(sheet)s”：前面的工作表“%(first)s”没有“统一社会信用代码”表头") % {
                            "sheet": sheet.title,
                            "first": "”“".join(s.title for s in workbook.worksheets[:index]),
                        }
                    yield seen[-1]
                    yield from self._sheet_rows(sheet, after=seen[-1][0])
                    return
            if not workbook.worksheets:
                return
            sheet = workbook.worksheets[0]
            if len(workbook.worksheets) > 1:
                self.note = _("各工作表都没有“统一社会信用代码”表头，已按第一个工作表“%(sheet)s”读取") % {
                    "sheet": sheet.title
                }
            yield from self._sheet_rows(sheet)
        except UnreadableFileError:
            raise
        except Exception:  # a damaged sheet part (XML, shared strings, styles) surfaces only while reading it
            raise UnreadableFileError(_("Excel文件已损坏，无法读取；请在Excel中打开后另存为.xlsx再上传")) from None
        finally:
            workbook.close()

    @staticmethod
    def _sheet_rows(sheet, after: int = 0):
        if hasattr(sheet, "reset_dimensions"):
            # Forget the size the file claims: rows are then read until the sheet data really ends. Still
            # streamed: 100,000 rows read with an honest and with a forged "A1" dimension both peak at 8.4 MB
            # of Python allocations (tracemalloc) and take the same time.
            sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(min_row=after + 1, values_only=True), start=after + 1):
            yield line, list(values)
