"""The first identity conflict rules, as dated data (docs/linkage.md, "Identity profile")."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

RULES = (
    {
        "key": "tekun_with_dibao",
        "tag_a": "tekun",
        "tag_b": "dibao",
        "message": "特困人员不应同时享受低保（应纳入特困供养，不再重复计发低保金）",
        "effective_from": date(2014, 5, 1),
        "source": "《社会救助暂行办法》（国务院令第649号）第二章、第三章：低保与特困供养分列，"
        "特困人员纳入特困供养；不同时领取两项",
        "confidence": "C",
        "illustrative": True,
    },
    {
        "key": "orphan_allowance_with_tekun",
        "tag_a": "orphan",
        "tag_b": "tekun",
        "message": "孤儿基本生活费与特困人员救助供养不应同时享受",
        "effective_from": date(2016, 10, 1),
        "source": "《国务院关于进一步健全特困人员救助供养制度的意见》（国发〔2016〕14号）："
        "已纳入孤儿、事实无人抚养儿童保障范围的，不再认定为特困人员",
        "confidence": "C",
        "illustrative": True,
    },
    {
        "key": "dibao_with_dibian",
        "tag_a": "dibao",
        "tag_b": "dibian",
        "message": "低保对象与低保边缘（低边）对象身份互斥",
        "effective_from": date(2015, 1, 1),
        "source": "《浙江省社会救助条例》第十三条：低保边缘家庭为不符合低保条件的家庭",
        "confidence": "B",
        "illustrative": False,
    },
)


def add_rules(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("linkage", "ConflictRule")
    for values in RULES:
        rule.objects.get_or_create(
            key=values["key"], effective_from=values["effective_from"], defaults=values
        )


def remove_rules(apps: Any, schema_editor: Any) -> None:
    apps.get_model("linkage", "ConflictRule").objects.filter(
        key__in=[r["key"] for r in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("linkage", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
