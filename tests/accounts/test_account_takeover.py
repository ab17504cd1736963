"""Issue 11, goal "Accounts": every account-management path × every acting role × every target
role. After each path, no actor knows a working password of, or holds a session for, an account
that can read more than the actor may.

The oracle is the policy itself: `reach(user)` is what an account reads (conversations, who asked
an anonymous question, health notes). Whatever credential an actor ends up with (a password they
posted, a one-time password shown to them, a login card waiting in their session) or whatever
session they keep, the account it opens must have a reach inside the actor's own.
"""

import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from ekonseling.accounts.models import Role, User
from ekonseling.core import policy
from ekonseling.counseling import letters, services
from ekonseling.counseling.models import Conversation
from ekonseling.students import student_accounts
from ekonseling.students.models import Student
from tests import factories

POSTED = "Sandi-Pilihan-2026"
NEW_PASSWORD = {"password1": POSTED, "password2": POSTED, "usable_password": "true"}
ONE_TIME = re.compile(r"\b[a-z2-9]{4}-[a-z2-9]{4}\b")

ACTORS = ["operator", "superuser", "koordinator_bk", "guru_bk", "wali_kelas", "kepala_sekolah", "siswa"]
# Each target role, and counselor accounts nobody has signed in to yet (the activation case).
TARGETS = [
    "operator",
    "koordinator_bk",
    "koordinator_bk_new",
    "guru_bk",
    "guru_bk_new",
    "wali_kelas",
    "kepala_sekolah",
    "siswa",
]


# --- the school: content that different accounts may read ------------------------------------------------


def _content(world):
    """world.student wrote: a chat the coordinator handles (gurubk may not read it), a chat gurubk
    handles (the coordinator may not), and an unclaimed anonymous question (gurubk reads it but not
    who asked). Every account has signed in before, except the `_new` targets."""
    chat_k = services.start_conversation(world.student)
    services.claim(chat_k, world.koordinator)
    chat_g = services.start_conversation(world.student)
    services.claim(chat_g, world.gurubk)
    letters.start_question(world.student, world.siswa, body="Siapa saya?", client_key=uuid.uuid4())
    # classmate has no account yet, but conversations of an earlier, deleted one.
    services.start_conversation(world.classmate)
    earlier = timezone.now() - timezone.timedelta(days=30)
    Conversation.objects.update(created_at=earlier)
    User.objects.filter(school=world.school).update(last_login=earlier)


def _target(world, name):
    role = name.removesuffix("_new")
    existing = {
        "operator": None,  # another operator, so the operator is not their own target
        "koordinator_bk": None,
        "guru_bk": world.gurubk,
        "wali_kelas": world.walikelas,
        "kepala_sekolah": world.kepsek,
        "siswa": world.siswa,
    }[role]
    if existing is not None and not name.endswith("_new"):
        return existing
    user = factories.user(world.school, role, username=f"target-{name}")
    if name == "koordinator_bk":
        # A second coordinator who handles a non-urgent conversation the first one may not read.
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        conversation = services.start_conversation(world.other_student)
        services.claim(conversation, user)
    elif name == "operator":
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    elif name == "guru_bk_new":
        world.rombel_a.counselors.add(user)
    return User.objects.get(pk=user.pk)


def _actor(world, name):
    if name == "superuser":
        return User.objects.create_superuser("root", password=factories.PASSWORD)
    return world.by_role()[name]


class Everything(frozenset):
    """The platform superuser's reach. It runs the server and holds the data keys (DATA_KEYS), so
    it can read every school's database whatever the application allows: it is the root of trust,
    and the one actor that may issue a one-time password to a counselor who has lost theirs
    (docs/architecture.md, "Sign-in security")."""

    def __rsub__(self, other):
        return frozenset()


def reach(user):
    """What an account reads: conversations, askers of anonymous questions, health notes."""
    user = User.objects.get(pk=user.pk)
    if user.is_superuser:
        return Everything()
    if not user.is_active:
        return frozenset()
    conversations = list(policy.visible(user, "conversation.view", Conversation.objects.select_related("student")))
    found = {("conversation", c.pk) for c in conversations}
    found |= {("asker", c.pk) for c in conversations if policy.can(user, "conversation.see_identity", c)}
    found |= {
        ("health", s.pk)
        for s in Student.objects.filter(school_id=user.school_id).select_related("rombel")
        if policy.can(user, "student.view_health", s)
    }
    return frozenset(found)


# --- the paths ---------------------------------------------------------------------------------------------
# Each takes (client signed in as the actor, world, actor, target) and returns the passwords the
# actor could have learnt; the client keeps whatever session the path left it.


def _shown(response):
    text = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    return set(ONE_TIME.findall(text))


def admin_set_password(client, world, actor, target):
    response = client.post(f"/admin/accounts/user/{target.pk}/password/", NEW_PASSWORD)
    return {POSTED} | _shown(response)


def admin_create_account(client, world, actor, target):
    """The actor creates an account of the target's role with a chosen password."""
    data = {
        "username": "dibuat",
        "full_name": "Dibuat",
        "email": "dibuat@sekolah.sch.id",  # required for counselor accounts (their alerts go there)
        "role": target.role,
        "school": world.school.pk,
        **NEW_PASSWORD,
    }
    client.post("/admin/accounts/user/add/", data)
    created = User.objects.filter(username="dibuat").first()
    if created is not None:
        if target.role == Role.GURU_BK:
            world.rombel_a.counselors.add(created)
        target.pk = created.pk  # the oracle looks at the account that was made
    return {POSTED} | _password_page(client, created)


def _password_page(client, user):
    if user is None:
        return set()
    return _shown(client.post(f"/admin/accounts/user/{user.pk}/password/", NEW_PASSWORD))


def _change_form(client, target, **changes):
    response = client.get(f"/admin/accounts/user/{target.pk}/change/")
    if response.status_code != 200:
        return response
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: v for k, v in data.items() if v is not False}
    data.update(changes)
    return client.post(f"/admin/accounts/user/{target.pk}/change/", data)


def admin_role_dance(client, world, actor, target):
    """Issue 11, item 1b: change the role to one whose password the actor may set, set it (and sign
    in with it in a second browser), change the role back."""
    learnt = set()
    original = target.role
    _change_form(client, target, role=Role.WALI_KELAS)
    learnt |= _password_page(client, target) | {POSTED}
    side = Client()
    for password in learnt:
        if side.post("/masuk/", {"username": target.username, "password": password}).status_code == 302:
            break
    target.refresh_from_db()
    _change_form(client, target, role=original)
    client.side = side
    return learnt


def admin_change_email_and_flags(client, world, actor, target):
    """An e-mail address of the actor's and "must change password" cleared: neither may yield a
    credential (there is no e-mail reset, and the flag is the owner's to clear)."""
    _change_form(client, target, email="penyerang@example.org", must_change_password="on")
    return {POSTED}


def app_reset_student(client, world, actor, target):
    """A counselor's reset of the student record linked to the target account."""
    student = Student.objects.filter(user=target).first()
    if student is None:  # a staff account linked to a record by mistake
        student = world.classmate
        Student.objects.filter(pk=student.pk).update(user=target)
    response = client.post(f"/siswa/{student.pk}/reset-sandi/")
    learnt = _shown(response)
    learnt |= {login.password for login in student_accounts.peek_pending(client.session, Student.objects.all())}
    return learnt


def app_create_student_accounts(client, world, actor, target):
    """Accounts for a rombel: classmate gets one, and classmate's record holds conversations of an
    earlier account."""
    client.post(f"/siswa/rombel/{world.rombel_a.pk}/akun/")
    learnt = {login.password for login in student_accounts.peek_pending(client.session, Student.objects.all())}
    created = User.objects.filter(student=world.classmate).first()
    if created is not None:
        target.pk = created.pk
    return learnt


def app_staff_activation(client, world, actor, target):
    return _shown(client.post(f"/akun/staf/{target.pk}/sandi-sekali/"))


PATHS = {
    "admin_set_password": admin_set_password,
    "admin_create_account": admin_create_account,
    "admin_role_dance": admin_role_dance,
    "admin_change_email_and_flags": admin_change_email_and_flags,
    "app_reset_student": app_reset_student,
    "app_create_student_accounts": app_create_student_accounts,
    "app_staff_activation": app_staff_activation,
}


def _signs_in(target, password):
    client = Client()
    response = client.post("/masuk/", {"username": target.username, "password": password})
    if response.status_code != 302:
        return None
    if User.objects.get(pk=target.pk).must_change_password:
        new = f"{password}-Milik-Penyerang-9"
        response = client.post("/akun/sandi/", {"old_password": password, "new_password1": new, "new_password2": new})
        assert response.status_code == 302, "a one-time password holder can always replace it"
    return client


def _working(user, passwords):
    user = User.objects.get(pk=user.pk)
    return [p for p in passwords if user.check_password(p)]


def _session_user(client):
    response = client.get("/akun/")
    if response.status_code != 200:
        return None
    return response.context["user"]


def _cells():
    for path in PATHS:
        # Creating accounts makes its own target: one cell per role (admin) or one in all (rombel).
        targets = {
            "admin_create_account": [t for t in TARGETS if not t.endswith("_new")],
            "app_create_student_accounts": ["siswa"],
        }.get(path, TARGETS)
        for actor in ACTORS:
            for target in targets:
                if actor != target:
                    yield pytest.param(path, actor, target, id=f"{path}-{actor}-{target}")


@pytest.mark.parametrize(("path", "actor_name", "target_name"), list(_cells()))
def test_no_path_hands_an_actor_an_account_that_reads_more(client, world, path, actor_name, target_name):
    _content(world)
    actor = _actor(world, actor_name)
    target = _target(world, target_name)
    actor_reach = reach(actor)
    client.force_login(actor)
    client.side = None

    learnt = PATHS[path](client, world, actor, target)

    holdings = []
    target_user = User.objects.filter(pk=target.pk).first()
    if target_user is not None:
        for password in learnt:
            if password and target_user.check_password(password):
                signed_in = _signs_in(target_user, password)
                if signed_in is not None:
                    holdings.append((f"password {password!r}", signed_in))
    if client.side is not None:
        holdings.append(("a session from before the path ended", client.side))
    holdings.append(("the actor's own browser", client))

    for what, browser in holdings:
        user = _session_user(browser)
        if user is None or user.pk == actor.pk:
            continue
        gained = reach(user) - actor_reach
        assert not gained, f"{path}: {actor_name} holds {user.role} {user.username} through {what}: {sorted(gained)}"


# --- the cases the matrix must not pass vacuously ----------------------------------------------------------


def test_the_counselor_reset_really_yields_a_usable_but_emptied_student_account(client, world):
    """The reset still works for the student (the card signs in); the counselor's copy of it reads
    no conversation written before the reset, anonymous questions included."""
    _content(world)
    client.force_login(world.gurubk)
    learnt = app_reset_student(client, world, world.gurubk, world.siswa)

    (password,) = _working(world.siswa, learnt)
    browser = _signs_in(world.siswa, password)
    assert _session_user(browser).pk == world.siswa.pk
    assert reach(world.siswa) == {("health", world.student.pk)}


def test_the_operator_really_issues_to_a_homeroom_teacher(client, world):
    client.force_login(world.operator)

    learnt = admin_set_password(client, world, world.operator, world.walikelas)

    usable = _working(world.walikelas, learnt)
    assert len(usable) == 1 and usable[0] != POSTED
    assert reach(world.walikelas) <= reach(world.operator)


def test_the_coordinator_really_activates_a_new_counselor(client, world):
    _content(world)
    new = _target(world, "guru_bk_new")
    client.force_login(world.koordinator)

    (password,) = _working(new, app_staff_activation(client, world, world.koordinator, new))

    assert _session_user(_signs_in(new, password)).pk == new.pk
    assert reach(new) <= reach(world.koordinator)


def test_the_coordinator_may_not_activate_a_new_counselor_who_was_handed_a_conversation(client, world):
    """A guru BK may transfer a conversation to a colleague who has never signed in; the coordinator
    may not read it, so they may not activate that account either."""
    _content(world)
    new = _target(world, "guru_bk_new")
    conversation = services.start_conversation(world.student)
    services.claim(conversation, new)
    client.force_login(world.koordinator)

    assert client.post(f"/akun/staf/{new.pk}/sandi-sekali/").status_code == 404
    assert User.objects.get(pk=new.pk).check_password(factories.PASSWORD)  # untouched
    assert new not in client.get("/akun/staf/").context["accounts"]


def test_a_role_change_ends_the_sessions_and_the_password(client, world):
    """The wali kelas's own phone stays signed in no more once they become guru BK: they activate
    the counselor account again with a one-time password from the coordinator."""
    phone = Client()
    phone.post("/masuk/", {"username": world.walikelas.username, "password": factories.PASSWORD})
    assert _session_user(phone).pk == world.walikelas.pk
    client.force_login(world.operator)

    _change_form(client, world.walikelas, role=Role.GURU_BK)

    world.walikelas.refresh_from_db()
    assert world.walikelas.role == Role.GURU_BK
    assert _session_user(phone) is None
    assert not world.walikelas.has_usable_password()
