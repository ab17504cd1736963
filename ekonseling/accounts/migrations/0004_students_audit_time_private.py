"""Students' earlier audit events get a private time too (core.AuditEvent.private_time): the rows
written before the field existed would otherwise keep showing the second a student signed in."""

from django.db import migrations


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    User = apps.get_model("accounts", "User")
    AuditEvent.objects.filter(actor__role="siswa").update(private_time=True)
    students = User.objects.filter(role="siswa").values_list("username", flat=True).iterator()
    failed = AuditEvent.objects.filter(action="login_failed", detail__startswith="username=")
    names = set(students)
    ids = [pk for pk, detail in failed.values_list("pk", "detail") if detail[len("username=") :] in names]
    for start in range(0, len(ids), 500):
        AuditEvent.objects.filter(pk__in=ids[start : start + 500]).update(private_time=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_withheld_counseling"),
        ("core", "0004_audit_private_time"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
