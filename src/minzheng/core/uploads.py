"""Every upload in the platform passes here: size first, then what the bytes are, never the name.

A file is judged by its content (magic bytes, and for .xlsx the zip members), not by its name or
the browser's content type, so an `.html` or `.js` renamed `.jpg` is refused. Photos are decoded
and re-encoded with Pillow, which drops EXIF/GPS metadata and anything appended to the image, and
files go back to the browser only through `file_response`: `nosniff`, a sandboxing CSP and, unless
it is a re-encoded image, as an attachment — so a stored file can never run as a same-origin page.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse

from minzheng.core.errors import ValidationFailed


class Readable(Protocol):
    @property
    def size(self) -> int | None: ...

    def read(self, size: int = ..., /) -> bytes: ...


JPEG, PNG, PDF, XLSX, CSV = "jpeg", "png", "pdf", "xlsx", "csv"
CONTENT_TYPES = {
    JPEG: "image/jpeg",
    PNG: "image/png",
    PDF: "application/pdf",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf", XLSX: "xlsx", CSV: "csv"}
LABELS = {
    JPEG: "JPEG 图片",
    PNG: "PNG 图片",
    PDF: "PDF 文件",
    XLSX: "Excel(.xlsx)",
    CSV: "CSV 文本",
}
IMAGES = frozenset({JPEG, PNG})
PHOTO_KINDS = frozenset({JPEG, PNG})
SIGNED_FORM_KINDS = frozenset({JPEG, PNG, PDF})
DATA_KINDS = frozenset({XLSX, CSV})
# A photo larger than this many pixels is refused before decoding (a "decompression bomb").
MAX_IMAGE_PIXELS = 50_000_000
XLSX_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    data: bytes
    name: str  # a fresh name with the extension of what the bytes are

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def _limit_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} 字节"


def read_limited(upload: Readable | bytes, *, limit: int | None = None) -> bytes:
    """The upload's bytes, refusing anything over the limit without reading all of it."""
    limit = max_upload_bytes() if limit is None else limit
    if isinstance(upload, bytes):
        data = upload
    else:
        if upload.size is not None and upload.size > limit:
            raise _too_large(limit)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise ValidationFailed("上传的文件是空的", code="upload_empty")
    return data


def _too_large(limit: int) -> ValidationFailed:
    return ValidationFailed(
        f"文件超过 {_limit_text(limit)}，请压缩或分批上传", code="upload_too_large"
    )


def sniff(data: bytes) -> str | None:
    """What the bytes are (one of the allowed kinds), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return XLSX if all(member in names for member in XLSX_MEMBERS) else None
    if _is_text(data):
        return CSV
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    return decode_text(data) is not None


def decode_text(data: bytes, encoding: str | None = None) -> str | None:
    """Text as UTF-8 (with or without BOM) or GB18030, or None if it is neither."""
    for candidate in (encoding,) if encoding else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _refuse(kind: str | None, allowed: Collection[str]) -> ValidationFailed:
    wanted = "、".join(LABELS[k] for k in sorted(allowed))
    return ValidationFailed(
        f"文件类型不被接受：只接受{wanted}（按文件内容判断，不看扩展名）", code="upload_bad_type"
    )


def check_upload(
    upload: Readable | bytes, allowed: Collection[str], *, limit: int | None = None
) -> CheckedFile:
    """The upload if its content is one of `allowed`; images come back re-encoded."""
    data = read_limited(upload, limit=limit)
    kind = sniff(data)
    if kind is None and set(allowed) == {CSV}:
        raise ValidationFailed(
            "文件不是可识别的文本（编码应为 UTF-8 或 GB18030/GBK 的 CSV）", code="bad_encoding"
        )
    if kind is None or kind not in allowed:
        raise _refuse(kind, allowed)
    if kind in IMAGES:
        data = reencode_image(data, kind)
    return CheckedFile(kind=kind, data=data, name=f"{secrets.token_hex(12)}.{EXTENSIONS[kind]}")


def check_data_file(
    upload: Readable | bytes, allowed: Collection[str] = DATA_KINDS, *, limit: int | None = None
) -> CheckedFile:
    """An import file (.xlsx or CSV), checked by content like every other upload."""
    return check_upload(upload, allowed, limit=limit)


def reencode_image(data: bytes, kind: str) -> bytes:
    """Decode and save again: metadata (EXIF, GPS, comments) and trailing bytes do not survive."""
    from PIL import Image, UnidentifiedImageError

    bad = ValidationFailed("图片已损坏或无法识别，请重新拍照上传", code="upload_bad_image")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationFailed("图片像素过大，请压缩后上传", code="upload_too_large")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            if kind == JPEG:
                clean = image.convert("RGB")
                clean.save(out, format="JPEG", quality=88)
            else:
                mode = image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
                clean = image.convert(mode)
                clean.save(out, format="PNG")
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise bad from None
    return out.getvalue()


def file_response(data: bytes, *, filename: str, inline_image: bool = False) -> HttpResponse:
    """A stored file, sent so that the browser can never run it as a page of this site.

    `filename` without an extension gets the one of what the bytes are.
    """
    kind = sniff(data)
    if "." not in filename:
        filename += "." + EXTENSIONS.get(kind or "", "bin")
    if inline_image and kind in IMAGES:
        response = HttpResponse(data, content_type=CONTENT_TYPES[kind])
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    else:
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "no-store"
    return response
