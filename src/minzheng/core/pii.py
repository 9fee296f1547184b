"""Sealing personal data: ciphertext, blind index and masked form, computed together."""

from __future__ import annotations

from dataclasses import dataclass

from minzheng.core.crypto import keyring
from minzheng.core.masking import mask_id_number, mask_phone

ID_NUMBER = "id_number"
PHONE = "phone"

_MASKS = {ID_NUMBER: mask_id_number, PHONE: mask_phone}


@dataclass(frozen=True)
class Sealed:
    cipher: str
    index: str
    masked: str


def seal(kind: str, value: str) -> Sealed:
    ring = keyring()
    return Sealed(ring.encrypt(value), ring.blind_index(kind, value), _MASKS[kind](value))


def blind_index(kind: str, value: str) -> str:
    return keyring().blind_index(kind, value)


def unseal(cipher: str) -> str:
    return keyring().decrypt(cipher) if cipher else ""
