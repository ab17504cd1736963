"""School's counseling settings now live in the apps that use them: crisis contacts in
safety.SafetySettings, the risk lexicon extension in counseling.CounselingSettings. Those apps'
migrations copy the values first (they declare `run_before` this one, so the kernel names no app)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_school_risk_lexicon_extension"),
    ]

    operations = [
        migrations.RemoveField(model_name="school", name="crisis_contacts"),
        migrations.RemoveField(model_name="school", name="risk_lexicon_extension"),
    ]
