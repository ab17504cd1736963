import pytest
from django.test import Client

from ekonseling.counseling import admission, socket_sessions, writer
from tests import factories


@pytest.fixture
def live_world(transactional_db):
    """A SchoolWorld committed to the database: sockets and the batch writer use other threads."""
    return factories.SchoolWorld("SMA Konseling")


@pytest.fixture(autouse=True)
def _fresh_writer():
    yield
    writer.reset()
    socket_sessions.reset()
    admission.reset()


@pytest.fixture
def session_cookie():
    def make(user):
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return make
