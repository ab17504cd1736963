from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sociometry", "0004_encrypt_choices"),
    ]

    operations = [migrations.DeleteModel(name="Choice")]
