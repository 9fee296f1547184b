"""State changes of linkage: a run, a clerical decision, a merge, a split, and their undo.

Each `do_*` is one transaction, checks the actor's capability and scope, and writes the audit
trail. A merge or split remembers exactly what it moved, so its undo restores the state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.linkage import queries
from minzheng.linkage.engine import LinkResult, link_records
from minzheng.linkage.evidence import allowed_decisions, comparisons_of
from minzheng.linkage.models import CandidatePair, LinkageAction, LinkageRun, SourceRecord
from minzheng.registry.models import IdentityTag, Person

PERSONS_SEEM_ONE_REASON = "两名登记人员疑似同一人"
Linker = Callable[..., LinkResult]


def is_reviewer(actor: User) -> bool:
    """Whether `actor` may run linkage and decide its pairs: caseworkers and approvers."""
    return actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)


def require_reviewer(actor: User) -> None:
    if not is_reviewer(actor):
        raise PermissionDenied("您的角色无权判定疑似同一人")


# ---- a run -------------------------------------------------------------------------------------


def _comparisons(row: pd.Series) -> list[dict[str, Any]]:
    return comparisons_of({str(key): value for key, value in row.items()})


def do_run_linkage(
    actor: User | None,
    *,
    today: date | None = None,
    link: Linker = link_records,
) -> LinkageRun:
    """Link the registry and the departments' records in the actor's scope (all, for the system).

    Decided pairs go to the engine as must-link / cannot-link and are never queued again; the
    uncertain pairs, and pairs of two registry persons the engine would join, wait for a clerk;
    a department record that clusters with exactly one registry person is linked to that person.
    """
    if actor is not None:
        require_reviewer(actor)
    data = queries.linkage_input(actor)
    if len(data.frame) < 2:
        raise ValidationFailed(
            f"管辖范围内只有 {len(data.frame)} 条记录，至少需要两条才能比对", code="too_few_records"
        )
    must, cannot = queries.decided_links()
    fixed = [
        (queries.person_key(pid), key)
        for key, pid in data.linked_person.items()
        if key.startswith(queries.SOURCE_PREFIX) and pid is not None
    ]
    try:
        result = link(
            data.frame,
            today=today,
            must_link=must + fixed,
            cannot_link=cannot,
            with_evidence=True,
        )
    except ZeroDivisionError as exc:
        # Splink's training divides by the number of sampled pairs; a handful of records
        # that share nothing leaves none, and no model can be estimated from that.
        raise ValidationFailed(
            "记录太少或彼此毫无共同信息，无法训练比对模型", code="too_few_records"
        ) from exc
    with transaction.atomic():
        run = LinkageRun.objects.create(actor=actor, records=len(data.frame))
        linked = _link_sources(result, data)
        queued = _queue_pairs(run, result, data)
        run.pairs_queued, run.records_linked = queued, linked
        run.save(update_fields=["pairs_queued", "records_linked"])
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "linkage_run",
            run.pk,
            summary=f"多重身份识别：{run.records} 条记录，新增疑似同一人 {queued} 对，关联部门记录 {linked} 条",
        )
    return run


def _candidates(result: LinkResult) -> pd.DataFrame:
    """The review pairs, plus person–person pairs the clustering put into one person."""
    review = result.review
    person_of = result.clusters.set_index("record_id")["person_id"]
    sure = result.pairs.loc[result.pairs["match_probability"] >= result.threshold]
    both_persons = sure["record_id_l"].str.startswith(queries.PERSON_PREFIX) & sure[
        "record_id_r"
    ].str.startswith(queries.PERSON_PREFIX)
    sure = sure.loc[both_persons]
    same = sure["record_id_l"].map(person_of) == sure["record_id_r"].map(person_of)
    joined = sure.loc[same].assign(reason=PERSONS_SEEM_ONE_REASON)
    return pd.concat([review, joined], ignore_index=True)


def _queue_pairs(run: LinkageRun, result: LinkResult, data: queries.LinkageInput) -> int:
    existing = {
        (a, b): status
        for a, b, status in CandidatePair.objects.values_list("left_key", "right_key", "status")
    }
    queued = 0
    for _, row in _candidates(result).iterrows():
        left, right = queries.ordered(str(row["record_id_l"]), str(row["record_id_r"]))
        if left not in data.shown or right not in data.shown:
            continue
        # A source record already linked to this very person needs no clerk.
        if {left[0], right[0]} == {"P", "S"}:
            person, source = (left, right) if left.startswith("P") else (right, left)
            if data.linked_person.get(source) == data.linked_person.get(person):
                continue
        status = existing.get((left, right))
        if status is not None and status != CandidatePair.Status.PENDING:
            continue  # decided: never asked again
        values = {
            "run": run,
            "region_id": data.region[left],
            "match_probability": float(row["match_probability"]),
            "match_weight": float(row["match_weight"]),
            "reason": str(row["reason"]),
            "evidence": {
                "left": data.shown[left],
                "right": data.shown[right],
                "prior_weight": result.prior_weight,
                "comparisons": _comparisons(row),
            },
        }
        if status is None:
            CandidatePair.objects.create(left_key=left, right_key=right, **values)
            existing[(left, right)] = CandidatePair.Status.PENDING
            queued += 1
        else:
            CandidatePair.objects.filter(left_key=left, right_key=right).update(**values)
    return queued


def _link_sources(result: LinkResult, data: queries.LinkageInput) -> int:
    """Link each loose department record that clusters with exactly one registry person, and
    note the link in `data.linked_person`, so the pair is not queued as well."""
    clusters = result.clusters
    # A person of one record links nothing: only clusters of two or more are grouped.
    shared = clusters.loc[clusters["person_id"].duplicated(keep=False)]
    members = shared.groupby("person_id", sort=True)["record_id"].apply(list)
    linked = 0
    for keys in members:
        persons = [k for k in keys if k.startswith(queries.PERSON_PREFIX)]
        if len(persons) != 1:
            continue
        person_id = int(persons[0][1:])
        loose = [
            int(k[1:])
            for k in keys
            if k.startswith(queries.SOURCE_PREFIX) and data.linked_person.get(k) is None
        ]
        if loose:
            linked += SourceRecord.objects.filter(pk__in=loose, person__isnull=True).update(
                person_id=person_id
            )
            data.linked_person.update({queries.source_key(pk): person_id for pk in loose})
    return linked


# ---- clerical decisions ------------------------------------------------------------------------


def _record(key: str) -> Person | SourceRecord:
    if key.startswith(queries.PERSON_PREFIX):
        return Person.objects.get(pk=int(key[1:]))
    return SourceRecord.objects.get(pk=int(key[1:]))


def do_decide_pair(
    actor: User, pair_id: int, decision: str, comment: str = "", request: Any = None
) -> CandidatePair:
    """Match or non-match. A match of a department record with a registry person links them
    (undoable); a match of two registry persons is then merged by `do_merge_persons`."""
    require_reviewer(actor)
    if decision not in (CandidatePair.Status.MATCH, CandidatePair.Status.NON_MATCH):
        raise ValidationFailed("判定结论只能是“是同一人”或“不是同一人”", code="bad_decision")
    with transaction.atomic():
        pair = CandidatePair.objects.select_for_update().get_visible(actor, pk=pair_id)
        if pair.status != CandidatePair.Status.PENDING:
            raise ValidationFailed("该记录对已判定，如需更正请撤销相关操作", code="already_decided")
        if decision not in allowed_decisions(pair.reason):
            raise ValidationFailed(
                "该记录对已被规则拒绝合并，只能判定为“不是同一人”", code="decision_not_allowed"
            )
        pair.status = decision
        pair.decided_by = actor
        pair.decided_at = timezone.now()
        pair.comment = comment[:300]
        pair.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "linkage_candidate_pair",
            pair.pk,
            summary=f"疑似同一人判定 {pair.left_key}~{pair.right_key}：{pair.get_status_display()}",
            before={"status": CandidatePair.Status.PENDING},
            after={"status": decision, "comment": pair.comment},
            region_code=pair.region_id,
            request=request,
        )
        kinds = {pair.left_key[0], pair.right_key[0]}
        if decision == CandidatePair.Status.MATCH and kinds == {"P", "S"}:
            person_key, source_key = (
                (pair.left_key, pair.right_key)
                if pair.left_key.startswith("P")
                else (pair.right_key, pair.left_key)
            )
            source = SourceRecord.objects.select_for_update().get(pk=int(source_key[1:]))
            person = Person.objects.get_visible(actor, pk=int(person_key[1:]))
            if source.person_id != person.pk:
                _link_source(actor, source, person, pair)
    return pair


def _link_source(actor: User, source: SourceRecord, person: Person, pair: CandidatePair) -> None:
    action = LinkageAction.objects.create(
        kind=LinkageAction.Kind.LINK,
        survivor=person,
        source_record=source,
        pair=pair,
        moved={"previous_person": source.person_id},
        region_id=pair.region_id,
        actor=actor,
    )
    source.person = person
    source.save(update_fields=["person"])
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        "linkage_action",
        action.pk,
        summary=f"部门记录 {source.department}:{source.record_id} 关联到 {person.name}",
        person_id=person.pk,
        region_code=person.region_id,
    )


# ---- merge, split, undo ------------------------------------------------------------------------


def do_merge_persons(
    actor: User, survivor_id: int, other_id: int, *, pair_id: int | None = None, request: Any = None
) -> LinkageAction:
    """Two registry persons are one: the other's identity tags and department records move to
    the survivor, and the other is marked merged into it (its row stays, for history)."""
    require_reviewer(actor)
    if survivor_id == other_id:
        raise ValidationFailed("不能把人员合并到其本人", code="merge_self")
    with transaction.atomic():
        survivor = Person.objects.select_for_update().get_visible(actor, pk=survivor_id)
        other = Person.objects.select_for_update().get_visible(actor, pk=other_id)
        gone = set(queries.merged_away_ids())
        if other.pk in gone or survivor.pk in gone:
            raise ValidationFailed("该人员已被合并，请先撤销原合并", code="already_merged")
        pair = CandidatePair.objects.get_visible(actor, pk=pair_id) if pair_id else None
        tags = list(
            IdentityTag.objects.filter(person=other).order_by("pk").values_list("pk", flat=True)
        )
        records = list(
            SourceRecord.objects.filter(person=other).order_by("pk").values_list("pk", flat=True)
        )
        IdentityTag.objects.filter(pk__in=tags).update(person=survivor)
        SourceRecord.objects.filter(pk__in=records).update(person=survivor)
        action = LinkageAction.objects.create(
            kind=LinkageAction.Kind.MERGE,
            survivor=survivor,
            other=other,
            pair=pair,
            moved={"tags": tags, "source_records": records},
            region_id=survivor.region_id,
            actor=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "linkage_action",
            action.pk,
            summary=f"合并人员：{other.name}(#{other.pk}) 并入 {survivor.name}(#{survivor.pk})，"
            f"移动身份 {len(tags)} 条、部门记录 {len(records)} 条",
            after={"tags": tags, "source_records": records},
            person_id=survivor.pk,
            region_code=survivor.region_id,
            request=request,
        )
    return action


def do_split_record(actor: User, source_record_id: int, *, request: Any = None) -> LinkageAction:
    """A department record was linked to the wrong person: unlink it, and remember the pair as
    not the same person, so the next run does not link them again."""
    require_reviewer(actor)
    with transaction.atomic():
        source = SourceRecord.objects.select_for_update().get_visible(actor, pk=source_record_id)
        if source.person_id is None:
            raise ValidationFailed("该部门记录未关联任何人员，无需拆分", code="not_linked")
        person = Person.objects.get_visible(actor, pk=source.person_id)
        left, right = queries.ordered(queries.person_key(person.pk), queries.source_key(source.pk))
        pair = CandidatePair.objects.filter(left_key=left, right_key=right).first()
        previous_pair = (
            {
                "status": pair.status,
                "decided_by": pair.decided_by_id,
                "decided_at": pair.decided_at.isoformat() if pair.decided_at else None,
                "comment": pair.comment,
            }
            if pair
            else None
        )
        if pair is None:
            pair = CandidatePair.objects.create(
                left_key=left,
                right_key=right,
                region_id=source.region_id,
                match_probability=0.0,
                match_weight=0.0,
                reason="人工拆分",
                evidence={},
            )
        pair.status = CandidatePair.Status.NON_MATCH
        pair.decided_by, pair.decided_at, pair.comment = actor, timezone.now(), "拆分"
        pair.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        source.person = None
        source.save(update_fields=["person"])
        action = LinkageAction.objects.create(
            kind=LinkageAction.Kind.SPLIT,
            other=person,
            source_record=source,
            pair=pair,
            moved={"previous_person": person.pk, "previous_pair": previous_pair},
            region_id=source.region_id,
            actor=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "linkage_action",
            action.pk,
            summary=f"拆分：部门记录 {source.department}:{source.record_id} 与 {person.name} 解除关联",
            person_id=person.pk,
            region_code=source.region_id,
            request=request,
        )
    return action


def do_undo_action(actor: User, action_id: int, *, request: Any = None) -> LinkageAction:
    """Restore exactly the state before a merge, split or link."""
    require_reviewer(actor)
    with transaction.atomic():
        action = LinkageAction.objects.select_for_update().get_visible(actor, pk=action_id)
        if action.undone_at is not None:
            raise ValidationFailed("该操作已撤销", code="already_undone")
        if action.kind == LinkageAction.Kind.MERGE:
            assert action.other_id is not None
            IdentityTag.objects.filter(pk__in=action.moved["tags"]).update(
                person_id=action.other_id
            )
            SourceRecord.objects.filter(pk__in=action.moved["source_records"]).update(
                person_id=action.other_id
            )
        elif action.kind == LinkageAction.Kind.SPLIT:
            assert action.source_record_id is not None and action.pair_id is not None
            SourceRecord.objects.filter(pk=action.source_record_id).update(
                person_id=action.moved["previous_person"]
            )
            previous = action.moved.get("previous_pair")
            if previous is None:
                # The split created the pair; the action lets go of it before it goes.
                created_pair = action.pair_id
                action.pair = None
                action.save(update_fields=["pair"])
                CandidatePair.objects.filter(pk=created_pair).delete()
            else:
                CandidatePair.objects.filter(pk=action.pair_id).update(
                    status=previous["status"],
                    decided_by_id=previous["decided_by"],
                    decided_at=previous["decided_at"],
                    comment=previous["comment"],
                )
        else:
            assert action.source_record_id is not None
            SourceRecord.objects.filter(pk=action.source_record_id).update(
                person_id=action.moved["previous_person"]
            )
            if action.pair_id is not None:
                CandidatePair.objects.filter(pk=action.pair_id).update(
                    status=CandidatePair.Status.PENDING,
                    decided_by=None,
                    decided_at=None,
                    comment="",
                )
        action.undone_at, action.undone_by = timezone.now(), actor
        action.save(update_fields=["undone_at", "undone_by"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "linkage_action",
            action.pk,
            summary=f"撤销{action.get_kind_display()}#{action.pk}",
            before={"undone": False},
            after={"undone": True, "moved": action.moved},
            region_code=action.region_id,
            request=request,
        )
    return action
