"""Values worth computing once per HTTP request, such as a counselor's caseload, which a home page
asks for in a dozen policy checks and scopes.

`RequestMemoMiddleware` opens an empty memo for each request and drops it when the view has
answered; outside a request (a WebSocket consumer, a management command, a test calling a function)
there is none, and `remember` returns None so the caller computes afresh, as before. A value lives
no longer than its request; whoever changes what a value was built from calls `forget` for its
namespace, so a view that writes and then reads sees the write.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable
from typing import Any

_MEMO: contextvars.ContextVar[dict[str, dict[Hashable, Any]] | None] = contextvars.ContextVar(
    "ekonseling_request_memo", default=None
)


def remember(namespace: str, key: Hashable, compute: Callable[[], Any], *, only_known: bool = False) -> Any:
    """The request's value for (namespace, key), computed on first use; None outside a request, and
    None with `only_known` when it has not been computed yet."""
    memo = _MEMO.get()
    if memo is None:
        return None
    values = memo.setdefault(namespace, {})
    if key not in values:
        if only_known:
            return None
        values[key] = compute()
    return values[key]


_DEPENDENTS: dict[str, set[str]] = {}


def depends(namespace: str, *, on: str) -> None:
    """Values of `namespace` are built from those of `on`: forgetting `on` forgets them too."""
    _DEPENDENTS.setdefault(on, set()).add(namespace)


def forget(namespace: str) -> None:
    """Drop every value of `namespace` the current request holds (what they were built from
    changed), and of the namespaces that depend on it."""
    memo = _MEMO.get()
    if memo is None:
        return
    pending, seen = [namespace], set()
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            memo.pop(name, None)
            pending.extend(_DEPENDENTS.get(name, ()))


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _MEMO.set({})
        try:
            return self.get_response(request)
        finally:
            _MEMO.reset(token)
