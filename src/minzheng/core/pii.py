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


def pii_columns(kind: str) -> tuple[str, str, str]:
    """The three columns a sealed `kind` is stored in: cipher, blind index, masked form."""
    return f"{kind}_cipher", f"{kind}_index", f"{kind}_masked"


class SealedPii:
    """The one place personal numbers are written to and read from a model.

    A model with `id_number_cipher`/`_index`/`_masked` (and, if it keeps a phone,
    `phone_cipher`/`phone_masked` and optionally `phone_index`) mixes this in: `set_id_number`
    and `set_phone` seal the value into whichever of those columns the model has, an empty value
    clears them, and `id_number_plain`/`phone_plain` decrypt — callers that show a full number
    reveal it through an audited action.
    """

    def _seal_into(self, kind: str, value: str) -> None:
        sealed = seal(kind, value) if value else None
        model = type(self)
        for column, part in zip(pii_columns(kind), ("cipher", "index", "masked"), strict=True):
            if hasattr(model, column):
                setattr(self, column, getattr(sealed, part) if sealed else "")

    def set_id_number(self, value: str) -> None:
        self._seal_into(ID_NUMBER, value)

    def set_phone(self, value: str) -> None:
        self._seal_into(PHONE, value)

    def _plain(self, kind: str) -> str:
        return unseal(str(getattr(self, pii_columns(kind)[0], "") or ""))

    def id_number_plain(self) -> str:
        """The full number. Call only through an action that audits the reveal."""
        return self._plain(ID_NUMBER)

    def phone_plain(self) -> str:
        return self._plain(PHONE)
