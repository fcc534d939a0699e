"""Keys, certificates and seals of the documents (文书数字签名与电子印章), and signing and validating PDFs.

Each department signs with its own key (`<code>.p12` in DOCUMENT_SIGNING_DIR); a document no department
issues is signed with the platform's (`platform.p12`). A signature is PAdES baseline B-B (no timestamp
authority is reachable from a government intranet), so any PDF reader shows who signed and whether the
file changed since. It is trusted when its certificate chains to one of the trust roots.

On a development machine the keys are made on demand: one development root CA (EC P-256, ten years) and
one certificate per department, written beside a red seal drawn for the department. Where
DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS is on, a missing key or seal is an error, never made up.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

PLATFORM_KEY = "platform"
ROOT_CA = "root-ca"
SEAL_SIZE = 300  # pixels; shown at 40 mm, the size of an official round seal (公章直径 40 mm)
SEAL_RED = (214, 0, 0, 255)


class SigningNotConfigured(ImproperlyConfigured):
    """No key, certificate or seal is configured where the portal may not make one up (production)."""


def _dir() -> Path:
    return Path(settings.DOCUMENT_SIGNING_DIR)


def _passphrase() -> bytes:
    if not settings.DOCUMENT_SIGNING_PASSPHRASE:
        raise SigningNotConfigured(_("未配置文书签名密钥的口令（DOCUMENT_SIGNING_PASSPHRASE）。"))
    return settings.DOCUMENT_SIGNING_PASSPHRASE.encode()


def key_name(department) -> str:
    return department.code if department is not None else PLATFORM_KEY


def key_path(department) -> Path:
    return _dir() / f"{key_name(department)}.p12"


def seal_path(department) -> Path:
    return _dir() / "seals" / f"{key_name(department)}.png"


def may_create() -> bool:
    return not settings.DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS


# Development keys: a root CA and one certificate per department.


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str, unit: str = ""):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.PORTAL_NAME),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o600)
    temporary.replace(path)


@contextmanager
def _creating():
    """One process at a time makes keys: two making the root CA at once would each sign with their own."""
    import fcntl

    _dir().mkdir(parents=True, exist_ok=True)
    with open(_dir() / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _root_ca(create: bool):
    """The development root CA (certificate, key), made once; None when absent and not to be made."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    cert_path, key_file = _dir() / f"{ROOT_CA}.pem", _dir() / f"{ROOT_CA}.key.pem"
    if cert_path.exists() and key_file.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=_passphrase())
        return cert, key
    if not create:
        return None
    key = _new_key()
    now = dt.datetime.now(dt.UTC)
    name = _name(_("%(portal)s文书签名根证书（开发用）") % {"portal": settings.PORTAL_NAME})
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(_passphrase())
    _write_private(
        key_file, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _department_certificate(department, root_cert, root_key):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    key = _new_key()
    now = dt.datetime.now(dt.UTC)
    common_name = department.name if department is not None else settings.PORTAL_NAME
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, unit=key_name(department)))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return cert, key


def ensure_key(department, *, create: bool | None = None) -> bool:
    """Makes the development key of `department` (None: the platform) unless it exists; True when made.

    Raises `SigningNotConfigured` when it is missing and may not be made (production).
    """
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    if key_path(department).exists():
        return False
    create = may_create() if create is None else create
    if not create:
        raise SigningNotConfigured(
            _("“%(who)s”没有配置文书签名证书（%(path)s）。")
            % {"who": department or settings.PORTAL_NAME, "path": key_path(department)}
        )
    with _creating():
        if key_path(department).exists():
            return False
        root_cert, root_key = _root_ca(create=True)
        cert, key = _department_certificate(department, root_cert, root_key)
        data = pkcs12.serialize_key_and_certificates(
            key_name(department).encode(), key, cert, [root_cert], BestAvailableEncryption(_passphrase())
        )
        _write_private(key_path(department), data)
    return True


def ensure_seal(department, *, create: bool | None = None) -> bool:
    """Draws the development seal of `department` unless one exists; True when drawn."""
    path = seal_path(department)
    if path.exists():
        return False
    create = may_create() if create is None else create
    if not create:
        raise SigningNotConfigured(
            _("“%(who)s”没有配置电子印章图片（%(path)s）。") % {"who": department or settings.PORTAL_NAME, "path": path}
        )
    _write_private(path, draw_seal(department.name if department is not None else settings.PORTAL_NAME))
    return True


def seal_png(department) -> bytes:
    ensure_seal(department)
    return seal_path(department).read_bytes()


# The seal: a red ring, the name along the upper arc, a five-pointed star in the middle.


@cache
def _font_file() -> str:
    """A CJK font from the system (the one WeasyPrint uses for the documents)."""
    for family in ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Serif CJK SC"):
        try:
            # fontconfig answers as WeasyPrint's pango would; the arguments are constants.
            found = subprocess.run(  # noqa: S603
                ["fc-match", "-f", "%{file}", f"{family}:lang=zh-cn"],  # noqa: S607
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            break
        if found and Path(found).exists():
            return found
    raise SigningNotConfigured(_("没有找到中文字体，无法绘制印章。"))


def _star(draw, centre: float, radius: float) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((centre + r * math.cos(angle), centre + r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def draw_seal(name: str, size: int = SEAL_SIZE) -> bytes:
    """A development seal: a red round seal with `name` around the top and a star, as a transparent PNG."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = size * 0.035
    draw.ellipse([ring / 2, ring / 2, size - ring / 2, size - ring / 2], outline=SEAL_RED, width=round(ring))
    centre = size / 2
    _star(draw, centre, size * 0.17)
    chars = list(name)[:24]
    font = ImageFont.truetype(_font_file(), round(size * (0.13 if len(chars) <= 10 else 0.1)))
    text_radius = size / 2 - ring - font.size * 0.75
    # The name runs clockwise over the top, from lower left to lower right (240° of arc at most).
    span = min(240.0, 20.0 * len(chars))
    for index, char in enumerate(chars):
        degrees = -span / 2 + span * (index + 0.5) / len(chars)
        angle = math.radians(degrees - 90)
        glyph = Image.new("RGBA", (font.size * 2, font.size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font.size, font.size), char, font=font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(-degrees, resample=Image.Resampling.BICUBIC)
        x = centre + text_radius * math.cos(angle) - glyph.width / 2
        y = centre + text_radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (round(x), round(y)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# Signing and validating.


def signer_for(department):
    """The pyHanko signer of `department` (None: the platform), its key made first in development."""
    from pyhanko.sign.signers import SimpleSigner

    ensure_key(department)
    signer = SimpleSigner.load_pkcs12_data(key_path(department).read_bytes(), [], passphrase=_passphrase())
    if signer is None:
        raise SigningNotConfigured(
            _("文书签名证书无法打开：文件已损坏或口令不符（%(path)s）。") % {"path": key_path(department)}
        )
    return signer


def sign_pdf(pdf: bytes, department, *, reason: str = "", location: str = "") -> bytes:
    """`pdf` with a PAdES (B-B) signature of `department` over the whole file, as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    metadata = signers.PdfSignatureMetadata(
        field_name="Signature1",
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=department.name if department is not None else settings.PORTAL_NAME,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    signed = signers.PdfSigner(metadata, signer=signer_for(department)).sign_pdf(writer)
    return signed.getvalue()


def trust_roots() -> list:
    """The certificates (asn1crypto) a document's signature must chain to."""
    from asn1crypto import pem, x509

    paths = [Path(p) for p in settings.DOCUMENT_SIGNING_TRUST_ROOTS] or [_dir() / f"{ROOT_CA}.pem"]
    roots = []
    for path in paths:
        if not path.exists():
            continue
        data = path.read_bytes()
        for _type, _headers, der in pem.unarmor(data, multiple=True) if pem.detect(data) else [(None, None, data)]:
            roots.append(x509.Certificate.load(der))
    return roots


@dataclass(frozen=True)
class SignatureCheck:
    """What the embedded signature of a PDF says: signed at all, unchanged since, trusted, covering the whole file."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def check_signature(pdf: bytes) -> SignatureCheck:
    """Validates the last signature of `pdf` against the trust roots, offline (no CRL/OCSP fetching)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError):
        return SignatureCheck(signed=False)
    if not signatures:
        return SignatureCheck(signed=False)
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:
        return SignatureCheck(signed=True)
    return SignatureCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else "",
        signed_at=status.signer_reported_dt,
    )
