"""Link-only e-mails: one per address, in the background, and a bad address stops no one else.

The tests run with the locmem backend (tests/conftest.py), so `mailoutbox` is what was sent."""

import logging

from django.core.mail.backends.locmem import EmailBackend

from ekonseling.core import notify

SUBJECT = "[E-Konseling] Uji"
BODY = "Buka tautan ini:\nhttps://bk.contoh.sch.id/konseling/1/"


class RefusingBackend(EmailBackend):
    """The locmem backend, except that a server refuses every address at rusak.test."""

    def send_messages(self, messages):
        for message in messages:
            if any(address.endswith("@rusak.test") for address in message.to):
                raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


def test_one_mail_per_address_with_only_that_address(mailoutbox):
    notify.send_link_mails(SUBJECT, BODY, ["a@sekolah.test", "b@sekolah.test", "", "a@sekolah.test"])
    notify.wait_for_mail()
    assert [m.to for m in mailoutbox] == [["a@sekolah.test"], ["b@sekolah.test"]]
    assert [(m.cc, m.bcc) for m in mailoutbox] == [([], []), ([], [])]
    assert [(m.subject, m.body) for m in mailoutbox] == [(SUBJECT, BODY), (SUBJECT, BODY)]


def test_a_refused_address_is_logged_and_the_others_still_get_theirs(settings, caplog, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with caplog.at_level(logging.ERROR, logger="ekonseling.core.notify"):
        notify.send_link_mails(SUBJECT, BODY, ["a@sekolah.test", "x@rusak.test", "b@sekolah.test"])
        notify.wait_for_mail()
    assert [m.to for m in mailoutbox] == [["a@sekolah.test"], ["b@sekolah.test"]]
    assert [r.getMessage() for r in caplog.records] == [f"the e-mail {SUBJECT!r} to x@rusak.test failed"]


def test_no_address_sends_nothing(mailoutbox):
    notify.send_link_mails(SUBJECT, BODY, ["", None])
    notify.wait_for_mail()
    assert mailoutbox == []
