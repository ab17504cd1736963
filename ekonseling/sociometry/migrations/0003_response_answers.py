import ekonseling.core.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sociometry", "0002_survey_alerts_checked_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="answers",
            field=ekonseling.core.fields.EncryptedTextField(blank=True, default=""),
        ),
    ]
