from __future__ import annotations

import json

import pytest

from minzheng.core.crypto import Algorithm, KeyError_, Keyring


@pytest.mark.parametrize("algorithm", [Algorithm.AES_GCM, Algorithm.SM4_GCM])
def test_personal_data_round_trips_under_each_algorithm(algorithm: Algorithm) -> None:
    ring = Keyring.generate(algorithm)
    token = ring.encrypt("330203195001011238")
    assert "330203" not in token and token.startswith("k1:")
    assert ring.decrypt(token) == "330203195001011238"
    assert ring.encrypt("330203195001011238") != token  # a fresh nonce each time


def test_a_tampered_ciphertext_is_refused() -> None:
    ring = Keyring.generate()
    token = ring.encrypt("13805741234")
    key_id, payload = token.split(":")
    flipped = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    with pytest.raises(KeyError_) as refused:
        ring.decrypt(f"{key_id}:{flipped}")
    assert refused.value.code == "ciphertext_invalid"


def test_the_blind_index_finds_equal_values_without_revealing_them() -> None:
    ring = Keyring.generate()
    first = ring.blind_index("id_number", "330203195001011238")
    assert first == ring.blind_index("id_number", "330203195001011238")
    assert first != ring.blind_index("phone", "330203195001011238")
    assert first != Keyring.generate().blind_index("id_number", "330203195001011238")
    assert "330203" not in first


def test_old_keys_still_open_old_rows_after_a_new_key_is_added() -> None:
    ring = Keyring.generate()
    old = ring.encrypt("甲")
    ring.add_key(Algorithm.SM4_GCM)
    assert ring.active == "k2" and ring.encrypt("乙").startswith("k2:")
    reloaded = Keyring.from_json(ring.to_json())
    assert reloaded.decrypt(old) == "甲"
    assert json.loads(ring.to_json())["keys"]["k2"]["algorithm"] == "SM4-GCM"
