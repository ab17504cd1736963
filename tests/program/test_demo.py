"""The demo school has a BK program drafted from the AKPD of X-1, partly realised by demo records."""

from ekonseling.core import demo
from ekonseling.instruments import reports as instrument_reports
from ekonseling.program import reports, services
from ekonseling.program.models import Program, Realisation


def test_the_demo_program_comes_from_x1s_akpd_and_is_partly_realised(db):
    demo.load()
    program = Program.objects.get()
    assert program.administration.title == "AKPD X-1 awal tahun"
    assert program.created_by.username == "gurubk"
    version = program.current()
    # Three needs per bidang, the bidang with the highest needs first.
    ranking = {row.bidang: row.needs for row in instrument_reports.needs_profile(program.administration)}
    expected = [need.number for need in services.draft_order(ranking, 3)]
    assert [item.need_item for item in version.items.order_by("pk")] == expected
    assert {item.rombel.name for item in version.items.all()} == {"X-1"}
    report = reports.realisation(version)
    links = Realisation.objects.filter(item__version=version)
    assert report.total.done == links.values("item").distinct().count() == 3
    for link in links.select_related("record", "item"):
        record = link.record
        assert (record.service_type, record.bidang, record.rombel.name) == (
            link.item.service_type,
            link.item.bidang,
            "X-1",
        )
        assert record.date.month == link.item.month

    demo.load()  # again: nothing doubles
    assert Program.objects.count() == 1 and Realisation.objects.count() == links.count()


def test_presenting_the_demo_study_article_offers_x1s_program_items_for_the_laiseg(db, client):
    """`make run`: gurubk presents "Tips belajar menjelang PAS" with X-1's poll and, at the end of
    the session, finds X-1's classical program items to record the session and ask for the Laiseg."""
    from django.urls import reverse

    from ekonseling.accounts.models import User
    from ekonseling.information.models import Poll

    demo.load()
    poll = Poll.objects.get(article__title="Tips belajar menjelang PAS")
    client.force_login(User.objects.get(username="gurubk"))
    page = client.get(reverse("information:present", args=[poll.article_id]) + f"?polling={poll.pk}").content.decode()
    offered = services.items_for_session(User.objects.get(username="gurubk"), poll.article.title, poll.rombel)
    assert offered and {item.rombel.name for item in offered} == {"X-1"}
    assert page.count('data-testid="session-end-item"') == len(offered)
    assert reverse("program:hold_session", args=[offered[0].pk]) in page
