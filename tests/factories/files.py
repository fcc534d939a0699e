"""Real files, made in memory, as the programs of the field write them (PDF, OFD, Office, WPS, images, media)."""

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf() -> bytes:
    """A one-page PDF as pypdf writes it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_html_polyglot() -> bytes:
    """A PDF that is also an HTML page with a script: the comment after the header hides the markup from PDF readers."""
    return pdf().replace(b"\n", b"\n%<html><body><script>alert(document.cookie)</script></body></html>\n", 1)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def zip_package(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def office(main_type: str) -> bytes:
    return zip_package(
        {
            "[Content_Types].xml": (
                f'<Types><Override PartName="/main.xml" ContentType="application/{main_type}"/></Types>'
            )
        }
    )


def docx() -> bytes:
    return office("vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


def xlsx() -> bytes:
    return office("vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")


def ofd() -> bytes:
    """An OFD package (GB/T 33190-2016): the entry file OFD.xml at the root points to the document."""
    return zip_package(
        {
            "OFD.xml": (
                '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
                'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                "</ofd:DocBody></ofd:OFD>"
            ),
            "Doc_0/Document.xml": '<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>',
        }
    )


FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _directory_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NO_STREAM, NO_STREAM, child)
        + b"\0" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\0" * 16  # created, modified
        + struct.pack("<IQ", start, size)
    )


def ole(stream: str) -> bytes:
    """An OLE2 compound document (MS-CFB, version 3) holding one 4,096-byte stream, as Word, Excel and
    WPS (.doc/.wps: `WordDocument`; .xls/.et: `Workbook`) write them."""
    sector = 512
    data_sectors = 4096 // sector
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, 1, 1, 0)  # directory sectors, FAT sectors, first directory sector, transaction
        + struct.pack("<IIIII", 4096, END, 0, END, 0)  # mini cutoff, mini FAT, DIFAT start and count
        + struct.pack("<I", 0)
        + struct.pack("<I", FREE) * 108
    )
    chain = [FAT_SECTOR, END, *range(3, 2 + data_sectors), END]
    fat = struct.pack(f"<{sector // 4}I", *chain, *[FREE] * (sector // 4 - len(chain)))
    directory = (
        _directory_entry("Root Entry", 5, 1, END, 0)
        + _directory_entry(stream, 2, NO_STREAM, 2, 4096)
        + _directory_entry("", 0, NO_STREAM, 0, 0) * 2
    )
    return header + fat + directory + b"\x42" * 4096


def mp4() -> bytes:
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 16


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>fetch('/accounts/logout/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
