"""Stored files that belong to a row: they go when the row goes, but only once that is final."""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def delete_after_commit(storage, name, using=None):
    """Delete a stored file when the current transaction commits (at once outside one).

    A deletion that is rolled back keeps its file, so a row never points at a file that is gone.
    A file already missing is not an error, and a failure is logged, never raised: the rows are
    already deleted and the other callbacks of the commit must still run.
    """
    if not name:
        return

    def delete():
        try:
            storage.delete(name)
        except FileNotFoundError:
            pass
        except Exception:
            log.exception("Could not delete the stored file %s", name)

    transaction.on_commit(delete, using=using)
