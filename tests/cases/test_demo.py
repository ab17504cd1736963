"""The demo school's case book: two open cases, a wali kelas's referral received and one waiting, a
home visit with its letter, a case conference; loading twice changes nothing."""

from django.test import Client
from django.urls import reverse

from ekonseling.cases.models import Case, CaseConference, HomeVisit, Referral
from ekonseling.core import demo


def test_the_demo_has_open_cases_a_referral_a_home_visit_and_a_conference(db):
    demo.load()
    counts = (Case.objects.count(), Referral.objects.count(), HomeVisit.objects.count())
    demo.load()
    assert (Case.objects.count(), Referral.objects.count(), HomeVisit.objects.count()) == counts

    assert Case.objects.filter(status__in=Case.OPEN_STATUSES).count() == 2
    assert Referral.objects.filter(source="wali_kelas", case__isnull=False).exists()
    assert Referral.objects.filter(received_at__isnull=True).exists()
    assert CaseConference.objects.exists()

    visit = HomeVisit.objects.get()
    client = Client()
    client.force_login(visit.case.counselors.get())
    response = client.get(reverse("cases:record_letter", args=["kunjungan-rumah", visit.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="case-book-card"' in home
    page = client.get(reverse("cases:detail", args=[visit.case_id])).content.decode()
    assert reverse("cases:record_letter", args=["kunjungan-rumah", visit.pk]) in page
    assert page.count("data-record=") == 3  # a parent call-in, the home visit, the case conference
    assert client.get(reverse("cases:record", args=["konferensi", CaseConference.objects.get().pk])).status_code == 200
    assert client.get(reverse("cases:list")).status_code == 200
    assert client.get(reverse("cases:referrals")).status_code == 200

    walikelas = Referral.objects.filter(source="wali_kelas").first().referred_by
    client.force_login(walikelas)
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-progress="handled"' in home and 'data-progress="waiting"' in home
