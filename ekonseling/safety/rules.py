"""Who may decide an alert: whoever its source says (a chat alert: the counselors who may manage
the conversation; a sheet alert: the counselors who serve the student). Imported at ready()."""

from django.db.models import Q

from ekonseling.accounts.models import COUNSELOR_ROLES
from ekonseling.core.policy import rule, scope

from . import sources


@rule("safety.alert.decide")
def _alert_decide(user, alert=None):
    if user.role not in COUNSELOR_ROLES:
        return False
    return alert is None or sources.get(alert.source).may_decide(user, alert)


@scope("safety.alert.decide")
def _alert_decide_scope(user, queryset):
    visible = Q(pk__in=[])
    for source in sources.registered():
        visible |= Q(source=source.kind) & source.visible(user)
    return queryset.filter(visible)
