"""Helpers for the security regression tests: logged-in clients and real images."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def client_for() -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def jpeg_with_exif(size: tuple[int, int] = (16, 12)) -> bytes:
    """A JPEG carrying EXIF (camera model, GPS-like comment) and trailing bytes after the image."""
    from PIL import Image

    image = Image.new("RGB", size, (180, 160, 140))
    exif = Image.Exif()
    exif[0x0110] = "SecretCam 3000"  # Model
    exif[0x010E] = "GPS 29.87N 121.55E"  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue() + b"<script>alert(1)</script>"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()
