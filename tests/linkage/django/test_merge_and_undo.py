"""Merging two registry persons moves their identities and records; undo restores them exactly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from minzheng.core.errors import ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.linkage.actions import do_merge_persons, do_split_record, do_undo_action
from minzheng.linkage.models import CandidatePair, LinkageAction, SourceRecord
from minzheng.linkage.queries import merged_away_ids
from minzheng.registry.models import IdentityTag, Person


@pytest.fixture
def chen_registered_twice(
    household_chen_haishu_twin: Any, make_source_record: Callable[..., Any]
) -> dict[str, Any]:
    """陈国强 as registered, and 陈国強 typed in again without an ID, with a 低保 tag and a 医保 record."""
    first = household_chen_haishu_twin.head
    second = Person.objects.create(
        name="陈国強",
        sex="男",
        birth_date=date(1965, 2, 2),
        region_id="330203001001",
        address="海曙区南门街道福湖社区解放南路30号",
    )
    kept_tag = IdentityTag.objects.create(
        person=first,
        tag="disabled",
        source="残联",
        valid_from=date(2019, 1, 1),
        region_id="330203001001",
    )
    moved_tag = IdentityTag.objects.create(
        person=second,
        tag="dibao",
        source="民政",
        valid_from=date(2021, 7, 1),
        region_id="330203001001",
    )
    record = make_source_record(
        "医保",
        "YB-30",
        "陈国強",
        birth_date=date(1965, 2, 2),
        region_id="330203001001",
        person=second,
    )
    return {
        "first": first,
        "second": second,
        "kept_tag": kept_tag,
        "moved_tag": moved_tag,
        "record": record,
    }


def _owners() -> dict[str, int | None]:
    owners: dict[str, int | None] = {f"tag{t.pk}": t.person_id for t in IdentityTag.objects.all()}
    owners |= {f"rec{r.pk}": r.person_id for r in SourceRecord.objects.all()}
    return owners


@pytest.mark.django_db
def test_a_merge_moves_tags_and_records_and_undo_restores_them_exactly(
    chen_registered_twice: dict[str, Any], approver_haishu: Any
) -> None:
    first, second = chen_registered_twice["first"], chen_registered_twice["second"]
    before = _owners()

    action = do_merge_persons(approver_haishu, first.pk, second.pk)

    assert IdentityTag.objects.get(pk=chen_registered_twice["moved_tag"].pk).person_id == first.pk
    assert SourceRecord.objects.get(pk=chen_registered_twice["record"].pk).person_id == first.pk
    assert IdentityTag.objects.get(pk=chen_registered_twice["kept_tag"].pk).person_id == first.pk
    assert list(merged_away_ids()) == [second.pk]
    assert action.moved == {
        "tags": [chen_registered_twice["moved_tag"].pk],
        "source_records": [chen_registered_twice["record"].pk],
    }
    with pytest.raises(ValidationFailed, match="该人员已被合并，请先撤销原合并"):
        do_merge_persons(approver_haishu, first.pk, second.pk)

    do_undo_action(approver_haishu, action.pk)

    assert _owners() == before
    assert list(merged_away_ids()) == []
    assert LinkageAction.objects.get(pk=action.pk).undone_at is not None
    summaries = list(
        AuditEvent.objects.filter(object_type="linkage_action", object_id=str(action.pk))
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries[0].startswith("合并人员：陈国強")
    assert summaries[1] == f"撤销合并人员#{action.pk}"


@pytest.mark.django_db
def test_a_split_unlinks_the_record_remembers_the_non_match_and_undo_relinks_it(
    chen_registered_twice: dict[str, Any], caseworker_nanmen: Any
) -> None:
    second, record = chen_registered_twice["second"], chen_registered_twice["record"]

    action = do_split_record(caseworker_nanmen, record.pk)

    record.refresh_from_db()
    assert record.person_id is None
    pair = CandidatePair.objects.get(left_key=f"P{second.pk}", right_key=f"S{record.pk}")
    assert pair.status == CandidatePair.Status.NON_MATCH

    do_undo_action(caseworker_nanmen, action.pk)

    record.refresh_from_db()
    assert record.person_id == second.pk
    assert not CandidatePair.objects.filter(pk=pair.pk).exists()


@pytest.mark.django_db
def test_another_county_cannot_merge_these_persons(
    chen_registered_twice: dict[str, Any], approver_yinzhou: Any
) -> None:
    from minzheng.core.errors import NotFound

    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        do_merge_persons(
            approver_yinzhou, chen_registered_twice["first"].pk, chen_registered_twice["second"].pk
        )
    assert not LinkageAction.objects.exists()
