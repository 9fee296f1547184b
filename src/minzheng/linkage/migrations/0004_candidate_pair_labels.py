"""Linkage labels as the glossary reads them: a pair is 疑似同一人, waiting to be 判定 (not 复核)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('linkage', '0003_candidate_pair'),
    ]

    operations = [
        migrations.AlterField(
            model_name='candidatepair',
            name='comment',
            field=models.CharField(blank=True, max_length=300, verbose_name='判定意见'),
        ),
        migrations.AlterField(
            model_name='candidatepair',
            name='status',
            field=models.CharField(choices=[('pending', '待判定'), ('match', '是同一人'), ('non_match', '不是同一人')], db_index=True, default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='linkagerun',
            name='pairs_queued',
            field=models.PositiveIntegerField(default=0, verbose_name='新增疑似同一人记录对'),
        ),
    ]
