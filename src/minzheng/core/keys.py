"""Key rotation for personal data: a new active key, every ciphertext re-encrypted, resumable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from tqdm import tqdm

from minzheng.core import audit
from minzheng.core.crypto import (
    Algorithm,
    KeyError_,
    Keyring,
    key_file_path,
    keyring,
    reset_keyring_cache,
    write_keyring,
)
from minzheng.core.models import AuditEvent, EncryptedTextField


@dataclass
class RotationReport:
    new_key: str
    algorithm: str
    reencrypted: dict[str, int] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{label} {count} 条" for label, count in self.reencrypted.items()]
        retired = f"；已删除旧密钥 {', '.join(self.retired)}" if self.retired else ""
        return f"已启用新密钥 {self.new_key}（{self.algorithm}），重新加密：{'，'.join(parts) or '无'}{retired}"


def encrypted_columns() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def reencrypt_all(
    ring: Keyring, *, batch_size: int = 2000, progress: bool = False
) -> dict[str, int]:
    """Re-encrypt every ciphertext not under the active key. Safe to interrupt and run again."""
    counts: dict[str, int] = {}
    prefix = f"{ring.active}:"
    for model, names in encrypted_columns():
        stale = models.Q()
        for name in names:
            stale |= ~models.Q(**{name: ""}) & ~models.Q(**{f"{name}__startswith": prefix})
        queryset = model._default_manager.filter(stale).order_by("pk")
        total = queryset.count()
        done = 0
        bar = tqdm(total=total, desc=model._meta.label, disable=not progress, unit="行")
        while True:
            batch = list(queryset.only("pk", *names)[:batch_size])
            if not batch:
                break
            for row in batch:
                for name in names:
                    token = getattr(row, name)
                    if token and not token.startswith(prefix):
                        setattr(row, name, ring.encrypt(ring.decrypt(token)))
            with transaction.atomic():
                model._default_manager.bulk_update(batch, names)
            done += len(batch)
            bar.update(len(batch))
        bar.close()
        counts[model._meta.label] = done
    return counts


def rotate_keys(
    *,
    algorithm: str | None = None,
    retire_old: bool = False,
    batch_size: int = 2000,
    progress: bool = False,
) -> RotationReport:
    if os.environ.get("MINZHENG_KEYS"):
        raise KeyError_(
            "密钥由环境变量 MINZHENG_KEYS 提供：请在密钥管理处生成新密钥后更新该变量",
            code="keys_from_env",
        )
    ring = keyring()
    new_key = ring.add_key(Algorithm(algorithm) if algorithm else ring.active_key.algorithm)
    path = key_file_path()
    # The new key is written (with the old ones kept) before any row changes, so a crash
    # mid-way leaves every row readable; running the command again finishes the job.
    write_keyring(ring, path)
    reset_keyring_cache()
    report = RotationReport(new_key.key_id, new_key.algorithm.value)
    report.reencrypted = reencrypt_all(keyring(), batch_size=batch_size, progress=progress)
    if retire_old:
        ring = keyring()
        report.retired = [k for k in ring.keys if k != ring.active]
        ring.keys = {ring.active: ring.active_key}
        write_keyring(ring, path)
        reset_keyring_cache()
    audit.record(
        None,
        AuditEvent.Action.KEY_ROTATION,
        "keyring",
        new_key.key_id,
        summary=report.summary(),
        actor_name="cli",
    )
    return report
