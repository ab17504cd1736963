"""Account actions take the actor and where the request came from, not a request: a management
command or a consumer calls them as they are, and the audit line still says who and from where."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.accounts import services
from ekonseling.core.models import AuditEvent
from tests import factories

ORIGIN = {"ip": "192.0.2.5", "user_agent": "manage.py"}


def _event(target, **filters):
    return AuditEvent.objects.get(object_type="accounts.User", object_id=str(target.pk), **filters)


def _origin(event):
    return event.ip_address, event.user_agent


def test_a_one_time_password_is_audited_for_the_actor_who_issued_it(world):
    password = services.issue_one_time_password(world.walikelas, world.operator, **ORIGIN)
    world.walikelas.refresh_from_db()
    assert world.walikelas.check_password(password) and world.walikelas.must_change_password
    event = _event(world.walikelas, action="password")
    assert (event.actor, event.detail, _origin(event)) == (
        world.operator,
        "one-time password issued",
        tuple(ORIGIN.values()),
    )


def test_withdrawn_credentials_are_audited_for_the_actor(world):
    services.withdraw_credentials(world.walikelas, world.operator, detail="role wali_kelas -> guru_bk", **ORIGIN)
    world.walikelas.refresh_from_db()
    assert not world.walikelas.has_usable_password() and world.walikelas.must_change_password
    event = _event(world.walikelas, action="change")
    assert (event.actor, event.detail) == (world.operator, "role wali_kelas -> guru_bk; password withdrawn")
    assert _origin(event) == tuple(ORIGIN.values())


def test_a_new_account_is_audited_with_its_role(world):
    created = factories.user(world.school, "guru_bk", username="baru")
    services.account_created(created, world.operator)
    event = _event(created, action="create")
    assert (event.actor, event.detail, event.ip_address) == (world.operator, "account, role=guru_bk", None)


def test_resetting_two_factor_reports_whether_there_was_a_device(world):
    TOTPDevice.objects.create(user=world.gurubk, name="phone", confirmed=True)
    assert services.reset_two_factor(world.gurubk, world.operator, **ORIGIN) is True
    assert not TOTPDevice.objects.filter(user=world.gurubk).exists()
    assert _event(world.gurubk, action="two_factor").actor == world.operator
    assert services.reset_two_factor(world.gurubk, world.operator) is False  # nothing left: no second line
    assert AuditEvent.objects.filter(action="two_factor").count() == 1


def test_restoring_withheld_counseling_is_audited_for_the_owner_either_way(world):
    siswa = world.siswa
    siswa.set_password(factories.PASSWORD)
    siswa.save()
    services.issue_one_time_password(siswa, world.gurubk)
    siswa.refresh_from_db()
    assert not services.restore_withheld_counseling(siswa, "not-the-old-one", **ORIGIN)
    assert services.restore_withheld_counseling(siswa, factories.PASSWORD, **ORIGIN)
    details = list(
        AuditEvent.objects.filter(actor=siswa, action="password", ip_address=ORIGIN["ip"])
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == ["previous password wrong", "earlier counseling shown again (previous password)"]


def test_restoring_stops_after_the_daily_limit(world):
    for _attempt in range(services.RESTORE_LIMIT):
        services.restore_withheld_counseling(world.siswa, "wrong")
    with pytest.raises(services.TooManyAttempts):
        services.restore_withheld_counseling(world.siswa, "wrong")
