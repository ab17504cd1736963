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
