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
def _alert_decide_scope(user, queryset, source=None, exclude=None):
    """`source`: the queryset holds only that source's alerts (the caller filtered it), so only its
    condition is built; `exclude`: it holds none of that source's (filtered out), so that one's is
    not built. Either way the rows are the same as with every source's condition. Sources that
    share a condition (the default: the students the user serves) share one copy of it."""
    kinds_by_condition: dict = {}
    for each in sources.registered():
        if (source is None or each.kind == source) and each.kind != exclude:
            kinds_by_condition.setdefault(each.visible, []).append(each.kind)
    visible = Q(pk__in=[])
    for condition, kinds in kinds_by_condition.items():
        visible |= (Q(source=kinds[0]) if len(kinds) == 1 else Q(source__in=kinds)) & condition(user)
    return queryset.filter(visible)
