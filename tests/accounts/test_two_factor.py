from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core.models import AuditEvent
from tests import factories


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"


def _enable(client, user):
    client.get("/akun/2fa/aktifkan/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/akun/2fa/aktifkan/", {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    return device


def test_staff_turn_on_two_factor_with_a_qr_code(client, world, login):
    login(world.gurubk)

    page = client.get("/akun/2fa/aktifkan/")

    assert "<svg" in page.content.decode()
    device = _enable(client, world.gurubk)
    assert device.confirmed
    assert AuditEvent.objects.filter(action="two_factor", actor=world.gurubk).exists()


def test_a_wrong_code_does_not_turn_it_on(client, world, login):
    login(world.gurubk)
    client.get("/akun/2fa/aktifkan/")

    response = client.post("/akun/2fa/aktifkan/", {"token": "000000"})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=world.gurubk, confirmed=True).exists()


def test_after_the_password_the_code_is_asked_for(client, world, login):
    login(world.gurubk)
    device = _enable(client, world.gurubk)
    client.post("/keluar/")
    device.last_t = -1
    device.save()

    login(world.gurubk)
    response = client.get("/beranda/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/2fa/verifikasi/")
    assert client.get("/siswa/").status_code == 302

    wrong = client.post("/akun/2fa/verifikasi/", {"token": "000000", "next": "/siswa/"})
    assert wrong.status_code == 200

    # A wrong code throttles the device (1 s, doubling); a real user simply waits.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    right = client.post("/akun/2fa/verifikasi/", {"token": _code(device), "next": "/siswa/"})
    assert right["Location"] == "/siswa/"
    assert client.get("/siswa/").status_code == 200


def test_a_school_can_require_two_factor_for_staff(client, world, login):
    world.school.require_staff_2fa = True
    world.school.save()

    login(world.gurubk)
    assert client.get("/beranda/")["Location"] == "/akun/2fa/aktifkan/"

    _enable(client, world.gurubk)
    assert client.get("/beranda/").status_code == 200


def test_students_are_not_asked_for_two_factor(client, world, login):
    world.school.require_staff_2fa = True
    world.school.save()

    login(world.siswa)

    assert client.get("/beranda/").status_code == 200
    assert client.get("/akun/2fa/aktifkan/")["Location"] == "/akun/"


def test_turning_it_off_asks_for_the_password(client, world, login):
    login(world.gurubk)
    _enable(client, world.gurubk)

    client.post("/akun/2fa/nonaktifkan/", {"password": "salah"})
    assert TOTPDevice.objects.filter(user=world.gurubk).exists()

    client.post("/akun/2fa/nonaktifkan/", {"password": factories.PASSWORD})
    assert not TOTPDevice.objects.filter(user=world.gurubk).exists()


def test_it_cannot_be_turned_off_where_the_school_requires_it(client, world, login):
    login(world.gurubk)
    _enable(client, world.gurubk)
    world.school.require_staff_2fa = True
    world.school.save()

    client.post("/akun/2fa/nonaktifkan/", {"password": factories.PASSWORD})

    assert TOTPDevice.objects.filter(user=world.gurubk).exists()
