"""The demo school's staff accounts; every demo account has the public password DEMO_PASSWORD."""

from ekonseling.core import registry
from ekonseling.core.demo import DEMO_PASSWORD

from .models import Role, User

STAFF = [
    # username, full name, role
    ("operator", "Dedi Kurniawan, S.Kom.", Role.OPERATOR),
    ("koordinator", "Dra. Sri Wahyuni, M.Pd.", Role.KOORDINATOR_BK),
    ("gurubk", "Rina Marlina, S.Pd.", Role.GURU_BK),
    # No e-mail on purpose: the demo's unreachable counselor (told on their home; listed for the
    # koordinator and the operator).
    ("gurubk2", "Ahmad Fauzi, S.Pd., Kons.", Role.GURU_BK),
    ("walikelas", "Budi Santoso, S.Pd.", Role.WALI_KELAS),
    ("walikelas2", "Yuliana Putri, S.Si.", Role.WALI_KELAS),
    ("kepsek", "Drs. H. Suharto, M.M.", Role.KEPALA_SEKOLAH),
]


# Alert e-mails reach these counselors (`make run` prints e-mails on the console).
EMAILS = {"koordinator": "sri.wahyuni@sman1-harapan.sch.id", "gurubk": "rina.marlina@sman1-harapan.sch.id"}


def demo_user(school, username, full_name, role):
    """The demo account `username`, created with the demo password on the first load."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, role=role, school=school, email=EMAILS.get(username, ""))
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def load(demo):
    for username, name, role in STAFF:
        demo.users[username] = demo_user(demo.school, username, name, role)


def logins():
    """(username, password, role label) for the README and `make run`."""
    logins = [(u, DEMO_PASSWORD, role.label) for u, _, role in STAFF]
    logins.append(("siswa", DEMO_PASSWORD, Role.SISWA.label))
    return logins


registry.register_demo("accounts", load, order=10, logins=logins)
