"""The refusals actions give their callers: a message for the user and a stable error code.

Every domain app's errors derive from :class:`ActionError` (those that carry a list of located
errors, such as an invalid definition or answer sheet, set ``code`` the same way). ``code`` is an
English identifier ``"<domain>.<reason>"`` (``"instruments.window_closed"``): a view words the
refusal with ``str(error)`` (already through gettext, so in the user's language) and a JSON client,
a test or a log tells refusals apart by ``code``, which never changes with the language or wording.
A raise site may name a finer reason than its class (``code="students.year_not_current"``), always
within its own domain.

Pure Python: the instrument modules that import without Django use it too.
"""

from __future__ import annotations


class ActionError(Exception):
    """A refusal: ``message`` for the user (translated), ``code`` for programs."""

    code: str = "core.refused"

    def __init__(self, message: str = "", *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            if code.split(".", 1)[0] != self.domain:
                raise ValueError(f"error code {code!r} is outside its domain {self.domain!r}")
            self.code = code

    @property
    def domain(self) -> str:
        """The app the refusal belongs to: the first part of the class's code."""
        return type(self).code.split(".", 1)[0]
