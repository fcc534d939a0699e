"""Uploads judged by their content (上传文件类型判定), as the programs that open them judge them.

Every upload of the portal — policy attachments, interpretation audio and video,
import spreadsheets — is recognised here, never by the name the uploader gave it:

- PDF: a PDF reader accepts the `%PDF-` header anywhere in the first 1,024 bytes
  (a UTF-8 byte-order mark or a mail gateway's junk before it is common), so a
  header within that range is looked for and then the file must open in pypdf
  and have pages. Text that only mentions `%PDF-` (an HTML page) does not open.
- OFD (GB/T 33190-2016, the national layout document format): a ZIP package with
  the entry file `OFD.xml` at its root.
- Word / Excel 2007+ (docx, xlsx) and their WPS equivalents (WPS文字, WPS表格
  save these packages too): a ZIP whose `[Content_Types].xml` names the main part.
- Word / Excel 97-2003 and WPS/ET files of the same family (.doc/.wps, .xls/.et):
  OLE2 compound documents, opened with olefile; the `WordDocument` stream makes a
  text document, `Workbook`/`Book` a spreadsheet.
- Images and audio/video: the `filetype` library's signatures; images must also
  open in Pillow.

What is stored is named by what was detected (`stored_name`): a PDF+HTML
polyglot uploaded as `政策解读.html` is a PDF to every reader, so it is kept as
`政策解读.pdf` and served as `application/pdf`. HTML, SVG, scripts and
executables are never a kind, whatever they are called, and are refused.
"""

from __future__ import annotations

import io
import zipfile
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import PurePath

import filetype
import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .registry import Registry

# PDF readers (Acrobat, pdf.js, PDFium) look for the header within the first 1,024 bytes.
PDF_HEADER_WINDOW = 1024
PDF_HEADER = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# filetype reads no more than this of a file.
SIGNATURE_BYTES = 8192


@dataclass(frozen=True)
class FileKind:
    """One kind of file the portal accepts: key, label (Chinese), stored extension, served content type."""

    key: str
    label: str
    extension: str
    content_type: str
    # Browsers show PDFs and images safely; everything else is downloaded.
    inline: bool = False


KINDS: dict[str, FileKind] = {
    kind.key: kind
    for kind in (
        FileKind("pdf", "PDF", ".pdf", "application/pdf", inline=True),
        FileKind("ofd", "OFD", ".ofd", "application/ofd"),
        FileKind("docx", "Word", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FileKind("doc", "Word/WPS文字（97-2003）", ".doc", "application/msword"),
        FileKind("xlsx", "Excel", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        FileKind("xls", "Excel/WPS表格（97-2003）", ".xls", "application/vnd.ms-excel"),
        FileKind("png", "PNG图片", ".png", "image/png", inline=True),
        FileKind("jpeg", "JPEG图片", ".jpg", "image/jpeg", inline=True),
        FileKind("gif", "GIF图片", ".gif", "image/gif", inline=True),
        FileKind("mp4", "MP4视频", ".mp4", "video/mp4"),
        FileKind("webm", "WebM视频", ".webm", "video/webm"),
        FileKind("mp3", "MP3音频", ".mp3", "audio/mpeg"),
        FileKind("m4a", "M4A音频", ".m4a", "audio/mp4"),
        FileKind("wav", "WAV音频", ".wav", "audio/wav"),
        FileKind("ogg", "Ogg音频", ".ogg", "audio/ogg"),
    )
}
DOCUMENT_KINDS = frozenset({"pdf", "ofd", "docx", "doc", "xlsx", "xls", "png", "jpeg", "gif"})
VIDEO_KINDS = frozenset({"mp4", "webm"})
AUDIO_KINDS = frozenset({"mp3", "m4a", "wav", "ogg"})
MEDIA_KINDS = VIDEO_KINDS | AUDIO_KINDS
IMAGE_KINDS = frozenset({"png", "jpeg", "gif"})

# filetype's extension → our key, for the kinds whose signature is the whole check.
_FILETYPE_KEYS = {
    "png": "png",
    "jpg": "jpeg",
    "gif": "gif",
    "mp4": "mp4",
    "m4v": "mp4",
    "webm": "webm",
    "mp3": "mp3",
    "m4a": "m4a",
    "wav": "wav",
    "ogg": "ogg",
}


def _read(fileobj, size: int | None = None) -> bytes:
    fileobj.seek(0)
    data = fileobj.read() if size is None else fileobj.read(size)
    fileobj.seek(0)
    return data


def _is_pdf(fileobj, start: int) -> bool:
    """Opens in pypdf and has pages. Readers count a PDF's byte offsets from its header, so a
    file whose header is not at byte 0 is read from the header on."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    stream = fileobj
    if start:
        fileobj.seek(start)
        stream = io.BytesIO(fileobj.read())
    fileobj.seek(0)
    try:
        return len(PdfReader(stream, strict=False).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        return False
    finally:
        fileobj.seek(0)


def _zip_kind(fileobj) -> str | None:
    """OFD by its root `OFD.xml`; docx/xlsx by the main part named in `[Content_Types].xml`."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as package:
            names = set(package.namelist())
            if "OFD.xml" in names:
                return "ofd" if b"OFD" in package.read("OFD.xml")[:4096] else None
            if "[Content_Types].xml" not in names:
                return None
            types = package.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, ValueError):
        return None
    finally:
        fileobj.seek(0)
    if b"wordprocessingml.document.main+xml" in types:
        return "docx"
    if b"spreadsheetml.sheet.main+xml" in types:
        return "xlsx"
    return None


def _ole_kind(fileobj) -> str | None:
    """Word/WPS文字 97-2003 by the `WordDocument` stream, Excel/WPS表格 by `Workbook` (or `Book`, Excel 5)."""
    fileobj.seek(0)
    try:
        with olefile.OleFileIO(fileobj) as ole:
            if ole.exists("WordDocument"):
                return "doc"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except (OSError, ValueError, IndexError, TypeError):
        return None
    finally:
        fileobj.seek(0)
    return None


def _image_opens(fileobj) -> bool:
    from PIL import Image, UnidentifiedImageError

    fileobj.seek(0)
    try:
        with Image.open(fileobj) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    finally:
        fileobj.seek(0)
    return True


def detect(fileobj) -> FileKind | None:
    """The kind of the file as the program that opens it sees it, or None when it is no accepted kind."""
    head = _read(fileobj, SIGNATURE_BYTES)
    start = head.find(PDF_HEADER, 0, PDF_HEADER_WINDOW + len(PDF_HEADER))
    if start != -1 and _is_pdf(fileobj, start):
        return KINDS["pdf"]
    key = None
    if head.startswith(ZIP_MAGIC):
        key = _zip_kind(fileobj)
    elif head.startswith(OLE_MAGIC):
        key = _ole_kind(fileobj)
    else:
        guessed = filetype.guess(head)
        key = _FILETYPE_KEYS.get(guessed.extension) if guessed else None
        if key in IMAGE_KINDS and not _image_opens(fileobj):
            key = None
    return KINDS[key] if key else None


def detect_key(fileobj) -> str | None:
    found = detect(fileobj)
    return found.key if found else None


def stored_name(original_name: str, kind: FileKind) -> str:
    """The uploader's name with the detected kind's extension (`政策解读.html` holding a PDF → `政策解读.pdf`)."""
    stem = PurePath(str(original_name or "").replace("\\", "/")).stem.strip() or "file"
    return stem[: 200 - len(kind.extension)] + kind.extension


def check_size(upload, limit_mb: int | None = None) -> None:
    limit_mb = limit_mb or settings.MAX_UPLOAD_MB
    if upload.size is not None and upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(_("文件大小不能超过%(limit)sMB。"), code="file_too_large", params={"limit": limit_mb})


def validate_document(upload) -> None:
    """Accepts PDF, OFD, Word, WPS, Excel and PNG/JPEG/GIF by content, up to MAX_UPLOAD_MB."""
    check_size(upload)
    if detect_key(upload) not in DOCUMENT_KINDS:
        raise ValidationError(
            _(
                "文件内容不是允许的类型（PDF、OFD、Word、WPS、Excel、PNG、JPEG、GIF）。"
                "网页、脚本、SVG和可执行文件不能上传，改扩展名也不行。"
            ),
            code="file_type",
        )


def validate_media(upload) -> None:
    """Accepts video (MP4, WebM) and audio (MP3, M4A, WAV, Ogg) by content, up to MAX_UPLOAD_MB."""
    check_size(upload)
    if detect_key(upload) not in MEDIA_KINDS:
        raise ValidationError(_("音视频文件内容不是允许的类型（MP4、WebM、MP3、M4A、WAV、Ogg）。"), code="media_type")


# Which stored uploads may be served, and to whom. A domain registers, under the storage
# prefix it writes to (`policies/`), a function `(request, name) -> str | None` that returns
# the file name to offer for download when this request may read the stored file `name`,
# or None. A file no domain claims is never served (import files stay private).
served_uploads: Registry = Registry("served_uploads", label="对外提供的上传文件")


def download_name(request, name: str) -> str | None:
    """The download name for the stored upload `name` when this request may read it, else None."""
    for entry in served_uploads.entries():
        if name.startswith(entry.key):
            return entry.obj(request, name)
    return None


# Files written to storage during a request whose save then fails: the database rolls the rows back, the
# storage does not, so a failed save would leave orphan files on disk. `discard_stored_on_failure` collects
# what `stored` reports while it runs and deletes it when the block ends with an exception (the rollback).
_stored_in_block: ContextVar[list | None] = ContextVar("stored_in_block", default=None)


def stored(fieldfile) -> None:
    """Reports a file just written to storage, to be deleted if the surrounding save fails."""
    pending = _stored_in_block.get()
    if pending is not None and fieldfile:
        pending.append((fieldfile.storage, fieldfile.name))


@contextmanager
def discard_stored_on_failure():
    """Deletes the files stored inside the block when the block raises (its transaction is rolled back)."""
    token = _stored_in_block.set([])
    try:
        yield
    except BaseException:
        for storage, name in _stored_in_block.get():
            storage.delete(name)
        raise
    finally:
        _stored_in_block.reset(token)


def save_with_upload(instance, fieldname: str, save) -> None:
    """Runs `save()` for a model holding a FileField: a newly uploaded file is deleted again if the row fails
    to save, and reported to `discard_stored_on_failure` in case the transaction fails later."""
    fieldfile = getattr(instance, fieldname)
    new_upload = bool(fieldfile) and not fieldfile._committed
    try:
        save()
    except BaseException:
        if new_upload and fieldfile._committed:
            fieldfile.storage.delete(fieldfile.name)
        raise
    if new_upload:
        stored(fieldfile)
