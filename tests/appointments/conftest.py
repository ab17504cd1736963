# The socket tests of calls use the counseling socket's fixtures.
from tests.counseling.conftest import _fresh_writer, live_world, session_cookie  # noqa: F401
