from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from minzheng.core import crypto
from minzheng.core.keys import rotate_keys
from minzheng.core.models import AuditEvent
from minzheng.registry.models import Person


@pytest.fixture
def key_file(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(crypto.Keyring.from_json(crypto.keyring().to_json()).to_json())
    monkeypatch.delenv("MINZHENG_KEYS")
    settings.MINZHENG_KEY_FILE = path
    crypto.reset_keyring_cache()
    yield path
    crypto.reset_keyring_cache()


def test_rotation_re_encrypts_every_row_and_can_retire_the_old_key(
    key_file: Path, household_li_three_members: Any
) -> None:
    before = {p.pk: (p.id_number_cipher, p.id_number_index) for p in Person.objects.all()}
    report = rotate_keys(algorithm="SM4-GCM", retire_old=True)
    assert report.reencrypted["registry.Person"] == 3 and report.retired == ["k1"]
    assert list(json.loads(key_file.read_text())["keys"]) == ["k2"]
    for person in Person.objects.all():
        assert (
            person.id_number_cipher.startswith("k2:")
            and person.id_number_cipher != before[person.pk][0]
        )
        assert person.id_number_index == before[person.pk][1]  # lookups keep working
    assert Person.objects.get(name="李建国").id_number_plain() == "330203195001011238"
    assert AuditEvent.objects.filter(action="key_rotation").count() == 1


def test_rotation_run_twice_leaves_nothing_under_an_old_key(
    key_file: Path, household_li_three_members: Any
) -> None:
    rotate_keys()
    second = rotate_keys()
    assert second.new_key == "k3" and second.reencrypted["registry.Person"] == 3
    assert {p.id_number_cipher.split(":")[0] for p in Person.objects.all()} == {"k3"}
