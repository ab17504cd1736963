"""Imminent risk reaches the counselor first and says why: the alert carries the triage level and the
reason, and the inbox puts that conversation above every other urgent one."""

from ekonseling.counseling import risk
from ekonseling.safety.models import Alert

from .test_chat_views import chat, inbox_order, post, student_with_account, url

PLAN = "aku udah ngumpulin obat tidur mama, malam ini mau aku minum sekaligus"


def test_an_imminent_message_raises_an_imminent_alert_with_its_reason(world):
    posted = post(chat(world), world.siswa, PLAN)

    alert = Alert.objects.get(pk=posted.alert.pk)
    assert alert.severity == risk.IMMINENT
    assert alert.items == ["imminent: suicide: plan or preparation", "suicide"]


def test_a_risk_without_a_plan_keeps_its_severity(world):
    posted = post(chat(world), world.siswa, "kadang aku pengen bunuh diri")

    assert posted.alert.severity == "high"
    assert posted.alert.items == ["suicide"]


def test_the_inbox_puts_imminent_risk_first_and_says_why(client, world):
    other, account = student_with_account(world)
    imminent = chat(world)
    post(imminent, world.siswa, PLAN)
    urgent = chat(world, other)
    post(urgent, account, "aku dibully terus tiap hari")  # urgent, and more recent

    client.force_login(world.koordinator)
    response = client.get(url("inbox"))

    assert inbox_order(response)[:2] == [imminent.pk, urgent.pk]
    page = response.content.decode()
    assert 'data-badge="imminent"' in page and "suicide: plan or preparation" in page
