"""Personal data at rest: authenticated encryption plus a keyed blind index for exact lookup.

Ciphertexts look like ``<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``; the key id says which key of the
keyring opens them, so keys can be rotated while old rows are re-encrypted. AES-256-GCM is the default;
SM4-GCM (GB/T 32907) is selectable for 国密 deployments. The blind index is HMAC-SHA256 under its own key,
so equal values can be found without decrypting and the index reveals nothing without that key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from minzheng.core.errors import DomainError

NONCE_BYTES = 12
TAG_BYTES = 16


class Algorithm(StrEnum):
    AES_GCM = "AES-256-GCM"
    SM4_GCM = "SM4-GCM"


class KeyError_(DomainError):
    code = "key_error"


@dataclass(frozen=True)
class DataKey:
    key_id: str
    algorithm: Algorithm
    secret: bytes

    def encrypt(self, plaintext: bytes, nonce: bytes) -> bytes:
        if self.algorithm is Algorithm.AES_GCM:
            return AESGCM(self.secret).encrypt(nonce, plaintext, self.key_id.encode())
        encryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(self.key_id.encode())
        return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag

    def decrypt(self, blob: bytes, nonce: bytes) -> bytes:
        if self.algorithm is Algorithm.AES_GCM:
            return AESGCM(self.secret).decrypt(nonce, blob, self.key_id.encode())
        body, tag = blob[:-TAG_BYTES], blob[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(self.key_id.encode())
        return decryptor.update(body) + decryptor.finalize()


@dataclass
class Keyring:
    active: str
    index_key: bytes
    keys: dict[str, DataKey] = field(default_factory=dict)

    @property
    def active_key(self) -> DataKey:
        return self.keys[self.active]

    def encrypt(self, plaintext: str) -> str:
        key = self.active_key
        nonce = os.urandom(NONCE_BYTES)
        blob = key.encrypt(plaintext.encode(), nonce)
        return f"{key.key_id}:{base64.b64encode(nonce + blob).decode()}"

    def decrypt(self, token: str) -> str:
        key_id, _, payload = token.partition(":")
        key = self.keys.get(key_id)
        if key is None:
            raise KeyError_(f"缺少密钥 {key_id}，无法解密个人信息", code="key_missing")
        raw = base64.b64decode(payload)
        try:
            return key.decrypt(raw[NONCE_BYTES:], raw[:NONCE_BYTES]).decode()
        except InvalidTag as exc:
            raise KeyError_("个人信息密文校验失败", code="ciphertext_invalid") from exc

    def key_id_of(self, token: str) -> str:
        return token.partition(":")[0]

    def blind_index(self, kind: str, value: str) -> str:
        digest = hmac.new(self.index_key, f"{kind}:{value}".encode(), hashlib.sha256)
        return digest.hexdigest()[:40]

    # -- persistence ---------------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(
            {
                "active": self.active,
                "index_key": base64.b64encode(self.index_key).decode(),
                "keys": {
                    k.key_id: {
                        "algorithm": k.algorithm.value,
                        "key": base64.b64encode(k.secret).decode(),
                    }
                    for k in self.keys.values()
                },
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        data = json.loads(text)
        keys = {
            key_id: DataKey(key_id, Algorithm(spec["algorithm"]), base64.b64decode(spec["key"]))
            for key_id, spec in data["keys"].items()
        }
        if data["active"] not in keys:
            raise KeyError_("密钥文件中没有当前启用的密钥", code="key_missing")
        return cls(active=data["active"], index_key=base64.b64decode(data["index_key"]), keys=keys)

    @classmethod
    def generate(cls, algorithm: Algorithm = Algorithm.AES_GCM) -> Keyring:
        ring = cls(active="", index_key=secrets.token_bytes(32))
        ring.add_key(algorithm)
        return ring

    def add_key(self, algorithm: Algorithm) -> DataKey:
        number = 1 + max((int(k[1:]) for k in self.keys if k[1:].isdigit()), default=0)
        size = 32 if algorithm is Algorithm.AES_GCM else 16
        key = DataKey(f"k{number}", algorithm, secrets.token_bytes(size))
        self.keys[key.key_id] = key
        self.active = key.key_id
        return key


def key_file_path() -> Path:
    from django.conf import settings

    return Path(settings.MINZHENG_KEY_FILE)


def write_keyring(ring: Keyring, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(ring.to_json())
    tmp.chmod(0o600)
    tmp.replace(path)


def ensure_key_file(path: Path, algorithm: Algorithm = Algorithm.AES_GCM) -> bool:
    """Create a key file when there is none. Returns True when it created one."""
    if path.exists() or os.environ.get("MINZHENG_KEYS"):
        return False
    write_keyring(Keyring.generate(algorithm), path)
    return True


@cache
def keyring() -> Keyring:
    """The process's keyring: MINZHENG_KEYS (JSON) wins over the key file."""
    text = os.environ.get("MINZHENG_KEYS")
    if text:
        return Keyring.from_json(text)
    path = key_file_path()
    if not path.exists():
        raise KeyError_(
            f"找不到个人信息密钥文件 {path}：请设置 MINZHENG_KEYS 或运行 `minzheng keys init`",
            code="key_file_missing",
        )
    return Keyring.from_json(path.read_text())


def reset_keyring_cache() -> None:
    keyring.cache_clear()
