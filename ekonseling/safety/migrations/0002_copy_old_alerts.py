"""Copy the two old alert models (counseling.RiskAlert, instruments.CriticalAlert) into Alert.

Rows that the new rule calls one alert (the same message or sheet with the same items: the second
alert a re-imported answer file raised) become one: its earliest date, and the decision of the
first decided twin if any was decided, else open.
"""

from django.db import migrations


def _key(items):
    return ",".join(str(item) for item in sorted(set(items)))


def _merge(rows):
    """{(source, source_id, items_key): the row to keep} from (alert kwargs) in date order."""
    kept = {}
    for row in rows:
        key = (row["source"], row["source_id"], row["items_key"])
        first = kept.get(key)
        if first is None:
            kept[key] = row
        elif first["status"] == "open" and row["status"] != "open":
            kept[key] = {**row, "created_at": first["created_at"]}
    return kept.values()


def copy_forward(apps, schema_editor):
    Alert = apps.get_model("safety", "Alert")
    RiskAlert = apps.get_model("counseling", "RiskAlert")
    CriticalAlert = apps.get_model("instruments", "CriticalAlert")
    rows = []
    for old in RiskAlert.objects.select_related("conversation").order_by("created_at", "pk"):
        items = list(dict.fromkeys(old.categories or []))
        rows.append(
            {
                "school_id": old.conversation.school_id,
                "student_id": old.conversation.student_id,
                "source": "message",
                "source_id": old.message_id,
                "items": items,
                "items_key": _key(items),
                "severity": old.severity,
                "status": old.status,
                "decided_by_id": old.decided_by_id,
                "decided_at": old.decided_at,
                "note": old.note,
                "created_at": old.created_at,
            }
        )
    for old in CriticalAlert.objects.select_related("assignment").order_by("created_at", "pk"):
        items = list(dict.fromkeys(old.items or []))
        rows.append(
            {
                "school_id": old.school_id,
                "student_id": old.assignment.student_id,
                "source": "sheet",
                "source_id": old.assignment_id,
                "items": items,
                "items_key": _key(items),
                "severity": "",
                "status": old.status,
                "decided_by_id": old.decided_by_id,
                "decided_at": old.decided_at,
                "note": old.note,
                "created_at": old.created_at,
            }
        )
    for row in _merge(rows):
        alert = Alert.objects.create(**row)
        # created_at is auto_now_add: put the original date back.
        Alert.objects.filter(pk=alert.pk).update(created_at=row["created_at"])


def copy_back(apps, schema_editor):
    Alert = apps.get_model("safety", "Alert")
    RiskAlert = apps.get_model("counseling", "RiskAlert")
    Message = apps.get_model("counseling", "Message")
    CriticalAlert = apps.get_model("instruments", "CriticalAlert")
    # Alert is the record: the old tables are rebuilt from it (they are empty when the drops were undone).
    RiskAlert.objects.all().delete()
    CriticalAlert.objects.all().delete()
    for alert in Alert.objects.order_by("created_at", "pk"):
        decision = {
            "status": alert.status,
            "decided_by_id": alert.decided_by_id,
            "decided_at": alert.decided_at,
            "note": alert.note,
        }
        if alert.source == "message":
            message = Message.objects.filter(pk=alert.source_id).first()
            if message is None:
                continue
            old = RiskAlert.objects.create(
                conversation_id=message.conversation_id,
                message=message,
                categories=alert.items,
                severity=alert.severity or "medium",
                **decision,
            )
            RiskAlert.objects.filter(pk=old.pk).update(created_at=alert.created_at)
        elif alert.source == "sheet":
            old = CriticalAlert.objects.create(
                school_id=alert.school_id, assignment_id=alert.source_id, items=alert.items, **decision
            )
            CriticalAlert.objects.filter(pk=old.pk).update(created_at=alert.created_at)
    Alert.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0001_alert"),
        ("counseling", "0001_initial"),
        ("instruments", "0002_answer_import"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_back)]
