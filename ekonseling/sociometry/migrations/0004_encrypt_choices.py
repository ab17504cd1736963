"""The choices move from plain rows (`Choice`: who chose or rejected whom, readable by anyone with
the database) into each response's encrypted document (`Response.answers`, the core crypto).
Reversible: going back writes the rows again from the decrypted documents."""

import json

from django.db import migrations


def _encode(rows):
    rows = sorted((c, s, r, 1 if p else 0) for c, s, r, p in rows)
    rows.sort(key=lambda row: (row[0], -row[3], row[2]))
    return json.dumps(rows, separators=(",", ":"))


def forwards(apps, schema_editor):
    Response = apps.get_model("sociometry", "Response")
    Choice = apps.get_model("sociometry", "Choice")
    picks = {}
    for response_id, criterion_id, chosen_id, rank, positive in Choice.objects.values_list(
        "response_id", "criterion_id", "chosen_id", "rank", "positive"
    ).iterator(chunk_size=2000):
        picks.setdefault(response_id, []).append((criterion_id, chosen_id, rank, positive))
    batch = []
    for response in Response.objects.only("pk").iterator(chunk_size=500):
        response.answers = _encode(picks.get(response.pk, []))  # the field encrypts it
        batch.append(response)
        if len(batch) >= 500:
            Response.objects.bulk_update(batch, ["answers"])
            batch = []
    if batch:
        Response.objects.bulk_update(batch, ["answers"])
    Choice.objects.all().delete()


def backwards(apps, schema_editor):
    Response = apps.get_model("sociometry", "Response")
    Choice = apps.get_model("sociometry", "Choice")
    rows = []
    for response in Response.objects.iterator(chunk_size=500):
        for criterion_id, chosen_id, rank, positive in json.loads(response.answers or "[]"):
            rows.append(
                Choice(
                    response_id=response.pk,
                    criterion_id=criterion_id,
                    chosen_id=chosen_id,
                    rank=rank,
                    positive=bool(positive),
                )
            )
    Choice.objects.bulk_create(rows, batch_size=2000)
    Response.objects.update(answers="")


class Migration(migrations.Migration):
    dependencies = [
        ("sociometry", "0003_response_answers"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
