from django.core.management.base import BaseCommand
from django.db import transaction

from ekonseling.core import registry
from ekonseling.core.fields import encrypted_fields


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column and every encrypted file (counseling attachments) under the first key "
        "of EKONSELING_DATA_KEYS. Run it after putting a new key first; then the old keys can be "
        "removed. Attachment files whose file is missing or that no key decrypts are reported and "
        "left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model, field in encrypted_fields():
            column = field.attname
            manager = model._base_manager
            pks = list(
                manager.exclude(**{column: ""}).exclude(**{f"{column}__isnull": True}).values_list("pk", flat=True)
            )
            for start in range(0, len(pks), batch_size):
                with transaction.atomic():
                    # Loading decrypts with whichever key made the token; saving encrypts with
                    # the primary key.
                    for obj in (
                        manager.select_for_update().filter(pk__in=pks[start : start + batch_size]).only("pk", column)
                    ):
                        manager.filter(pk=obj.pk).update(**{column: getattr(obj, column)})
            total += len(pks)
            self.stdout.write(f"{model._meta.label}.{column}: {len(pks)}")
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} values under the primary key."))
        # Encrypted files (attachments, ...): each app that keeps some registered how to rotate them.
        for files in registry.encrypted_files():
            files.rotate(batch_size, self.stdout, self.stderr)
