import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0010: on PostgreSQL, an index cannot be made in the
    transaction that just updated the table's rows."""

    dependencies = [
        ("careers", "0010_plain_text_fields"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='careerpath',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('title'), condition=models.Q(('is_sample', False)), name='careerpath_unique_real_title', violation_error_code='title_taken', violation_error_message='Another guide already has this title.'),
        ),
    ]
