"""The migrations that move School's counseling settings into the apps that use them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ekonseling.core.models import School
from ekonseling.counseling import lexicons
from ekonseling.safety import actions as safety

BEFORE = [
    ("core", "0002_school_risk_lexicon_extension"),
    ("safety", "0002_copy_old_alerts"),
    ("counseling", "0002_drop_risk_alert"),
]
EXTENSION = {"normalisation": {"paeh": "mati"}}


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_crisis_contacts_and_the_lexicon_extension_move_to_their_apps_and_back():
    old = _migrate(BEFORE)
    try:
        OldSchool = old.get_model("core", "School")
        configured = OldSchool.objects.create(
            name="SMA Pindah", slug="sma-pindah", crisis_contacts="Hotline: 0800-1", risk_lexicon_extension=EXTENSION
        )
        plain = OldSchool.objects.create(name="SMA Polos", slug="sma-polos")

        _migrate(_latest())
        configured, plain = School.objects.get(pk=configured.pk), School.objects.get(pk=plain.pk)
        assert safety.crisis_contacts(configured) == ["Hotline: 0800-1"]
        assert lexicons.extension_of(configured) == EXTENSION
        # A school that had set nothing gets no settings rows: the defaults hold.
        assert not hasattr(plain, "safety_settings") and not hasattr(plain, "counseling_settings")
        assert safety.crisis_contacts(plain) == safety.DEFAULT_CRISIS_CONTACTS

        old = _migrate(BEFORE)
        back = old.get_model("core", "School").objects.get(pk=configured.pk)
        assert (back.crisis_contacts, back.risk_lexicon_extension) == ("Hotline: 0800-1", EXTENSION)
    finally:
        _migrate(_latest())
