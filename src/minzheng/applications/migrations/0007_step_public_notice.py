"""公示's step code is the glossary's `public_notice` (it was `notice`): rewrite the stored rows.

Both directions rewrite the case's step, its step history and an administrator's edited label
of the step. Audit events are append-only and keep the old code (the dictionary still labels it).
"""

from typing import Any

from django.db import migrations, models

OLD, NEW = "notice", "public_notice"

CHOICES = [
    ("submitted", "待受理"),
    ("visit", "入户调查"),
    ("verification", "家庭经济状况核对"),
    ("township_review", "乡镇审核"),
    ("public_notice", "公示"),
    ("county_approval", "县级审批"),
    ("approved", "已批准"),
    ("refused", "不予批准"),
]


def _rewrite(apps: Any, source: str, target: str) -> None:
    apps.get_model("applications", "Application").objects.filter(step=source).update(step=target)
    apps.get_model("applications", "StepRecord").objects.filter(step=source).update(step=target)
    labels = apps.get_model("dictionary", "LabelOverride").objects
    if not labels.filter(kind="application_step", code=target).exists():
        labels.filter(kind="application_step", code=source).update(code=target)


def forwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, OLD, NEW)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_alter_applicationprogramme_programme"),
        ("dictionary", "0001_labels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="step",
            field=models.CharField(
                choices=CHOICES, db_index=True, max_length=20, verbose_name="环节"
            ),
        ),
        migrations.AlterField(
            model_name="steprecord",
            name="step",
            field=models.CharField(choices=CHOICES, max_length=20, verbose_name="环节"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
