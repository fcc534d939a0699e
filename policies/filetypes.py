"""Recognising uploaded files by their content (文件类型校验), never by their name.

An executable renamed `通知.pdf` still starts with `MZ`; a ZIP renamed `.docx`
lacks Word's `[Content_Types].xml` part. Only the kinds listed here are
accepted; everything else is refused with a Chinese message.
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

DOCUMENT_KINDS = {
    "pdf": "PDF",
    "docx": "Word",
    "doc": "Word（97-2003）",
    "xlsx": "Excel",
    "xls": "Excel（97-2003）",
    "png": "PNG图片",
    "jpeg": "JPEG图片",
    "gif": "GIF图片",
}
MEDIA_KINDS = {
    "mp4": "MP4视频",
    "webm": "WebM视频",
    "mp3": "MP3音频",
    "m4a": "M4A音频",
    "wav": "WAV音频",
    "ogg": "Ogg音频",
}
VIDEO_KINDS = {"mp4", "webm"}
AUDIO_KINDS = {"mp3", "m4a", "wav", "ogg"}


def _office_kind(fileobj) -> str | None:
    """docx/xlsx are ZIP packages whose [Content_Types].xml names the main part."""
    try:
        with zipfile.ZipFile(fileobj) as package:
            types = package.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    if b"wordprocessingml.document.main+xml" in types:
        return "docx"
    if b"spreadsheetml.sheet.main+xml" in types:
        return "xlsx"
    return None


def _ole_kind(fileobj) -> str | None:
    """Legacy Office files share the OLE container; the stream names tell Word from Excel."""
    fileobj.seek(0)
    body = fileobj.read(512 * 1024)
    if "WordDocument".encode("utf-16-le") in body:
        return "doc"
    if "Workbook".encode("utf-16-le") in body or "Book".encode("utf-16-le") in body:
        return "xls"
    return None


def sniff(fileobj) -> str | None:
    """The kind of `fileobj` judged by its bytes (a key of DOCUMENT_KINDS or MEDIA_KINDS), or None."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "gif"
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_kind(fileobj)
    elif head.startswith(OLE_MAGIC):
        kind = _ole_kind(fileobj)
    elif head[4:8] == b"ftyp":
        kind = "m4a" if head[8:11] == b"M4A" else "mp4"
    elif head.startswith(b"\x1a\x45\xdf\xa3"):
        kind = "webm"
    elif head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        kind = "mp3"
    elif head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        kind = "wav"
    elif head.startswith(b"OggS"):
        kind = "ogg"
    fileobj.seek(0)
    return kind


def _check_size(upload) -> None:
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("文件大小不能超过%(limit)sMB。"), code="file_too_large", params={"limit": settings.MAX_UPLOAD_MB}
        )


def validate_document(upload) -> None:
    """Accepts PDF, Word, Excel and PNG/JPEG/GIF by content, up to MAX_UPLOAD_MB."""
    _check_size(upload)
    if sniff(upload) not in DOCUMENT_KINDS:
        raise ValidationError(
            _("文件内容不是允许的类型（PDF、Word、Excel、PNG、JPEG、GIF），请勿上传可执行文件或改扩展名的文件。"),
            code="file_type",
        )


def validate_media(upload) -> None:
    """Accepts video (MP4, WebM) and audio (MP3, M4A, WAV, Ogg) by content, up to MAX_UPLOAD_MB."""
    _check_size(upload)
    if sniff(upload) not in MEDIA_KINDS:
        raise ValidationError(
            _("音视频文件内容不是允许的类型（MP4、WebM、MP3、M4A、WAV、Ogg）。"),
            code="media_type",
        )
