"""The whole-city feed emitter (streamed Parquet) and the bulk loader, at test scale: the files are
deterministic, every planted truth raises its warning and nothing else, a re-load adds nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from minzheng.core.idnumber import mask
from minzheng.monitoring.actions import do_run_monitor
from minzheng.monitoring.models import Warning
from minzheng.verification.bulkload import do_load_feed_file
from minzheng.verification.citywide import emit_registry_feeds
from minzheng.verification.feeds import FEEDS
from minzheng.verification.models import FeedBatch, FeedRecord
from tests.monitoring.conftest import MONTH


def _emit(directory: Path) -> Any:
    # Small chunks, so the chunked path is what runs; every 2nd enrolled household planted.
    return emit_registry_feeds(
        directory, MONTH, seed=5, plant_every=2, medical_share=0.3, chunk_persons=97, residents=4
    )


def _content(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist()


def _load(feeds: Any) -> dict[str, FeedBatch]:
    return {s: do_load_feed_file(None, s, p) for s, p in feeds.files.items()}


def test_the_emitter_is_deterministic_and_streams_every_source(
    enrolled_city_of_the_module: None, tmp_path: Path
) -> None:
    one = _emit(tmp_path / "one")
    two = _emit(tmp_path / "two")
    assert set(one.files) == set(FEEDS) == set(two.files)
    for source in FEEDS:
        assert _content(one.files[source]) == _content(two.files[source]), source
    assert one.rows == two.rows
    assert [(t.kind, t.id_number) for t in one.truths] == [
        (t.kind, t.id_number) for t in two.truths
    ]
    from minzheng.registry.models import Person

    assert one.persons == Person.objects.filter(date_of_death__isnull=True).count() > 300
    # The medical feed covers the whole population, 12 months deep: far more rows than the others.
    months = {r["settled_on"][:7] for r in _content(one.files["medical"])}
    assert months == {str(MONTH - back) for back in range(12)}
    assert one.rows["medical"] > 12 * one.persons * 0.3 * 0.8
    assert one.rows["police"] > 0 and one.rows["hrss"] >= 12 * 12


def test_planted_truths_raise_exactly_their_warnings(
    enrolled_city_of_the_module: None, tmp_path: Path
) -> None:
    feeds = _emit(tmp_path)
    batches = _load(feeds)
    assert sum(b.rows_rejected for b in batches.values()) == sum(feeds.bad_rows.values()) == 6
    assert {s: b.rows_rejected for s, b in batches.items() if b.rows_rejected} == dict(
        feeds.bad_rows
    )
    do_run_monitor(None, MONTH)
    expected = {(t.kind, mask(t.id_number), t.household_id) for t in feeds.truths}
    found = set(Warning.objects.values_list("kind", "id_number_masked", "household_id"))
    assert found == expected
    planted_kinds = {t.kind for t in feeds.truths}
    assert {"vehicle", "business", "income_over_line", "high_medical_cost"} <= planted_kinds


def test_a_reloaded_file_adds_nothing(enrolled_city_of_the_module: None, tmp_path: Path) -> None:
    feeds = _emit(tmp_path)
    first = _load(feeds)
    stored = FeedRecord.objects.count()
    assert stored == sum(b.rows_accepted for b in first.values())
    again = _load(feeds)
    assert FeedRecord.objects.count() == stored
    for source, batch in again.items():
        assert batch.rows_accepted == 0
        assert batch.rows_known == first[source].rows_accepted + first[source].rows_known
        assert batch.redelivery_of_id == first[source].pk
        with feeds.files[source].open("rb") as handle:
            assert batch.checksum == hashlib.sha256(handle.read()).hexdigest()


def test_bulk_and_upload_paths_store_the_same_rows(
    enrolled_city_of_the_module: None, tmp_path: Path
) -> None:
    from minzheng.verification.actions import do_load_feed

    feeds = _emit(tmp_path)
    police = feeds.files["police"]
    bulk = do_load_feed_file(None, "police", police)
    keys = set(FeedRecord.objects.values_list("row_key", flat=True))
    upload = do_load_feed(None, "police", police.read_bytes(), filename=police.name)
    assert upload.rows_accepted == 0 and upload.rows_known == bulk.rows_total - bulk.rows_rejected
    assert set(FeedRecord.objects.values_list("row_key", flat=True)) == keys
    assert bulk.errors == upload.errors


@pytest.mark.django_db
def test_a_file_without_the_columns_is_refused_whole(tmp_path: Path) -> None:
    import pyarrow as pa

    from minzheng.core.errors import ValidationFailed

    path = tmp_path / "police.parquet"
    pq.write_table(pa.table({"id_number": ["330203195001011238"], "event": ["death"]}), path)
    with pytest.raises(ValidationFailed) as caught:
        do_load_feed_file(None, "police", path)
    assert caught.value.code == "missing_columns"
    assert "event_date" in caught.value.message
    assert not FeedBatch.objects.exists()
