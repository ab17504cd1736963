"""A text field whose value is encrypted in the database.

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256, random IV): the same text never encrypts to
the same token, so these columns cannot be searched or filtered, only read whole. Reading the
decrypted value of a confidential record in a view goes through `core.audit.read_confidential`.
"""

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest (Fernet)"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name):
        # Only emptiness questions make sense on ciphertext.
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields():
    """Every (model, field) pair that stores ciphertext, for key rotation."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
