"""The live-poll WebSocket (`/ws/polling/<id>/`, docs/websocket.md): the projector and the students'
phones of one poll, apart from the counseling socket.

It is admitted as the counseling socket is (the same middleware and rules: a signed-in student or
counselor past every sign-in step), then the policy decides per poll: `poll.results` to join and
see the counts, `poll.answer` (through `services.answer_poll`) for every answer. Frames carry
counts only, never who answered. Once open it follows its session as the counseling socket does
(`counseling.socket_sessions.FollowsSession`): signing out, an expired session or a deactivated
account closes it with 4401.
"""

import logging

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from ekonseling.core import jsonsafe, policy, realtime
from ekonseling.counseling.socket_sessions import FollowsSession

from . import services
from .models import Poll

log = logging.getLogger(__name__)

ADMISSION_KEY = "counseling_admission"  # counseling.admission.SCOPE_KEY: the verdict in the scope
CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN = 4401, 4403
MAX_FRAME_BYTES = 1024


class PollConsumer(FollowsSession, AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        verdict = self.scope.get(ADMISSION_KEY, CLOSE_UNAUTHENTICATED)
        if user is None or not user.is_authenticated:
            verdict = CLOSE_UNAUTHENTICATED
        results = None
        if verdict is None:
            results = await database_sync_to_async(_join)(user, self.scope["url_route"]["kwargs"]["poll_id"])
            if results is None:
                verdict = CLOSE_FORBIDDEN
        await self.accept()
        if verdict is not None:
            await self.close(code=verdict)
            return
        self.user = user
        self.poll_id = results["poll"]
        self.group = services.poll_group(self.poll_id)
        self.user_group = realtime.user_group(user.pk)  # where signing out is announced
        self.follow_session(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.send_json(results)

    async def dispatch(self, message):
        """The user's group also carries what the counseling socket handles (inbox events, live
        refreshes, calls); this socket has no use for them."""
        if getattr(self, get_handler_name(message), None) is None:
            return
        await super().dispatch(message)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            self.unfollow_session()
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not hasattr(self, "user"):
            return
        try:
            content = jsonsafe.loads(text_data or "", max_bytes=MAX_FRAME_BYTES, max_depth=2, want_object=True)
        except jsonsafe.JSONRejected as rejected:
            await self.send_json({"type": "error", "message": str(rejected)})
            return
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "answer":
            self.presence.active = True  # the student at work: the session is renewed at the next check
            try:
                stored = await database_sync_to_async(_answer)(self.user, self.poll_id, content.get("choice"))
            except services.InformationError as error:
                await self.send_json({"type": "error", "message": error.message})
            except Exception:
                log.exception("poll socket: an answer failed")
                await self.send_json({"type": "error", "message": _("Something went wrong. Try again.")})
            else:
                await self.send_json({"type": "answered", "stored": stored})
        else:
            await self.send_json({"type": "error", "message": _("Unknown frame.")})

    async def poll_results(self, event):
        await self.send_json(event["results"])

    async def access_changed(self, event):
        """What the user may see changed (a caseload shrank, core.realtime): a counselor who no
        longer serves the poll's rombel stops seeing its counts."""
        if await database_sync_to_async(_join)(self.user, self.poll_id) is None:
            await self.close(code=CLOSE_FORBIDDEN)


def _join(user, poll_id):
    poll = Poll.objects.filter(pk=poll_id).select_related("rombel").first()
    if poll is None or not policy.can(user, "poll.results", poll):
        return None
    return services.poll_results(poll)


def _answer(user, poll_id, choice):
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        raise services.InformationError(_("This poll is closed or not for your class."))
    return services.answer_poll(user, poll, choice)
