"""A linkage run fills the clerical review queue; decisions are audited and feed the next run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import NotFound
from minzheng.core.models import AuditEvent
from minzheng.linkage.actions import do_decide_pair, do_run_linkage
from minzheng.linkage.engine import REVIEW_REASON_BAND, LinkResult, link_records
from minzheng.linkage.models import CandidatePair, SourceRecord
from minzheng.linkage.queries import queue

TODAY = date(2026, 1, 1)
ADDRESS = "海曙区南门街道福湖社区解放南路12号"


@pytest.fixture
def departments_about_li_jianguo(
    household_li_three_members: Any, make_source_record: Callable[..., Any]
) -> dict[str, Any]:
    """人社 wrote 李建国 down without an ID number; 残联 with his number and a typo in his name."""
    head = household_li_three_members.head
    return {
        "person": head,
        "renshe": make_source_record(
            "人社",
            "RS-1",
            "李建国",
            birth_date=date(1950, 1, 1),
            phone="13805741234",
            address=ADDRESS,
            region_id="330203001001",
        ),
        "canlian": make_source_record(
            "残联",
            "CL-1",
            "李建囯",
            id_number="330203195001011238",
            address="解放南路12号",
            region_id="330203001001",
            identity="disabled",
        ),
    }


def _pair(person_pk: int, source_pk: int) -> CandidatePair:
    return CandidatePair.objects.get(left_key=f"P{person_pk}", right_key=f"S{source_pk}")


@pytest.mark.django_db
def test_a_run_queues_the_uncertain_pair_with_the_evidence_side_by_side(
    departments_about_li_jianguo: dict[str, Any],
) -> None:
    person, renshe, canlian = departments_about_li_jianguo.values()

    run = do_run_linkage(None, today=TODAY)

    pair = _pair(person.pk, renshe.pk)
    assert pair.status == CandidatePair.Status.PENDING
    assert pair.reason == REVIEW_REASON_BAND
    assert 0.5 <= pair.match_probability < 0.99
    assert pair.region_id == "330203001001"
    assert pair.evidence["left"]["姓名"] == "李建国"
    assert pair.evidence["left"]["身份证号"] == "330203********1238"
    assert pair.evidence["right"]["来源"] == "人社"
    assert pair.evidence["right"]["手机号"] == renshe.phone_masked
    levels = {c["name"]: c["level"] for c in pair.evidence["comparisons"]}
    assert levels["name"] == "name_exact"
    assert levels["birth_date"] == "birth_exact"
    # The record with his ID number joined him outright and is not asked about.
    canlian.refresh_from_db()
    assert canlian.person_id == person.pk
    assert not CandidatePair.objects.filter(
        left_key=f"P{person.pk}", right_key=f"S{canlian.pk}"
    ).exists()
    assert run.records == 5 and run.records_linked == 1


@pytest.mark.django_db
def test_a_match_is_audited_links_the_record_and_is_not_asked_again(
    departments_about_li_jianguo: dict[str, Any], caseworker_nanmen: Any
) -> None:
    person, renshe, _ = departments_about_li_jianguo.values()
    do_run_linkage(None, today=TODAY)
    pair = _pair(person.pk, renshe.pk)

    do_decide_pair(caseworker_nanmen, pair.pk, "match", "电话与出生日期一致")

    event = AuditEvent.objects.get(object_type="linkage_candidate_pair", object_id=str(pair.pk))
    assert event.actor == caseworker_nanmen
    assert event.after == {"status": "match", "comment": "电话与出生日期一致"}
    renshe.refresh_from_db()
    assert renshe.person_id == person.pk

    second = do_run_linkage(None, today=TODAY)
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.MATCH
    assert second.pairs_queued == 0
    assert (
        CandidatePair.objects.filter(status=CandidatePair.Status.PENDING).count()
        == CandidatePair.objects.filter(status=CandidatePair.Status.PENDING)
        .exclude(left_key=f"P{person.pk}", right_key=f"S{renshe.pk}")
        .count()
    )


@pytest.mark.django_db
def test_a_non_match_goes_to_the_engine_as_a_cannot_link_and_is_respected(
    departments_about_li_jianguo: dict[str, Any], approver_haishu: Any
) -> None:
    person, renshe, _ = departments_about_li_jianguo.values()
    do_run_linkage(None, today=TODAY)
    pair = _pair(person.pk, renshe.pk)
    do_decide_pair(approver_haishu, pair.pk, "non_match", "另一人，同名同生日")
    seen: dict[str, Any] = {}

    def watching(records: Any, **options: Any) -> LinkResult:
        seen.update(options)
        # The strongest possible threshold test: even at 0.5 the clerk's word holds.
        return link_records(records, **(options | {"threshold": 0.5, "review_band": (0.5, 0.99)}))

    do_run_linkage(approver_haishu, today=TODAY, link=watching)

    assert (f"P{person.pk}", f"S{renshe.pk}") in seen["cannot_link"]
    renshe.refresh_from_db()
    assert renshe.person_id is None
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.NON_MATCH


@pytest.mark.django_db
def test_another_county_can_neither_see_nor_decide_the_pair(
    departments_about_li_jianguo: dict[str, Any], approver_yinzhou: Any
) -> None:
    person, renshe, _ = departments_about_li_jianguo.values()
    do_run_linkage(None, today=TODAY)
    pair = _pair(person.pk, renshe.pk)

    assert not queue(approver_yinzhou).exists()
    with pytest.raises(NotFound, match="记录不存在或不在您的管辖范围内"):
        do_decide_pair(approver_yinzhou, pair.pk, "match")
    client = Client()
    client.force_login(approver_yinzhou)
    assert client.get(f"/linkage/candidates/{pair.pk}/").status_code == 404
    assert "李建国" not in client.get("/linkage/candidates/").content.decode()
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.PENDING


@pytest.mark.django_db
def test_the_queue_shows_counts_and_a_decision_comes_back_as_a_row(
    departments_about_li_jianguo: dict[str, Any], approver_haishu: Any
) -> None:
    person, renshe, _ = departments_about_li_jianguo.values()
    do_run_linkage(None, today=TODAY)
    pair = _pair(person.pk, renshe.pk)
    client = Client()
    client.force_login(approver_haishu)

    page = client.get("/linkage/candidates/").content.decode()
    assert "待判定 " in page and "李建国" in page
    evidence = client.get(f"/linkage/candidates/{pair.pk}/").content.decode()
    assert "逐项比较" in evidence and "姓名相同" in evidence

    row = client.post(
        f"/linkage/candidates/{pair.pk}/decide/", {"decision": "non_match"}, HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200
    assert "不是同一人" in row.content.decode()
    assert SourceRecord.objects.get(pk=renshe.pk).person_id is None


@pytest.mark.django_db
def test_the_city_administrator_reads_the_pairs_but_is_offered_no_decision(
    departments_about_li_jianguo: dict[str, Any], city_admin: Any, approver_haishu: Any
) -> None:
    """Deciding, merging, splitting and undoing need a reviewer (`actions.is_reviewer`): the
    pages offer them to those only, as the worker offers them the run."""
    person, renshe, _ = departments_about_li_jianguo.values()
    do_run_linkage(None, today=TODAY)
    pair = _pair(person.pk, renshe.pk)
    pages = {}
    for user in (city_admin, approver_haishu):
        client = Client()
        client.force_login(user)
        pages[user.username] = [
            client.get(url).content.decode()
            for url in ("/linkage/candidates/", f"/linkage/candidates/{pair.pk}/")
        ]
    queue, evidence = pages["city_admin"]
    assert "李建国" in queue and "逐项比较" in evidence  # the pair and its evidence are shown
    for page in (queue, evidence):
        assert "/decide/" not in page and "运行多重身份识别" not in page
    queue, evidence = pages["approver_haishu"]
    assert f"/linkage/candidates/{pair.pk}/decide/" in queue and "运行多重身份识别" in queue
    assert f"/linkage/candidates/{pair.pk}/decide/" in evidence


@pytest.mark.django_db
def test_the_link_registry_command_runs_over_everything(
    departments_about_li_jianguo: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from minzheng.linkage.commands import register

    parser = argparse.ArgumentParser(prog="minzheng")
    register(parser.add_subparsers())
    args = parser.parse_args(["link-registry"])

    assert args.needs_django is True
    assert args.func(args) == 0
    assert capsys.readouterr().err == "5 条记录；新增疑似同一人 2 对；关联部门记录 1 条\n"
