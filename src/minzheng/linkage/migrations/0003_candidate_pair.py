"""The review queue's pair is a `CandidatePair` (疑似同一人, glossary): 复核 is the periodic review.

The table is renamed with the model (linkage_reviewpair → linkage_candidatepair), and its index.
"""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('linkage', '0002_conflict_rules'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(
            old_name='ReviewPair',
            new_name='CandidatePair',
        ),
        migrations.AlterModelOptions(
            name='candidatepair',
            options={'verbose_name': '疑似同一人记录对'},
        ),
        migrations.RenameIndex(
            model_name='candidatepair',
            new_name='linkage_can_status_c8443d_idx',
            old_name='linkage_rev_status_63f799_idx',
        ),
    ]
