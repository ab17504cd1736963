"""Safety alerts in the personal-data registry: counselor-side, so not exported to the student."""

from ekonseling.core import personal_data

from .models import Alert, HeldMail


def register() -> None:
    personal_data.register_not_exported(
        [Alert],
        "An alert (a risky chat or letter message, a critical item on an instrument sheet) is "
        "counselor-side: the student is never told that it was raised, and its decision and note are "
        "the counselor's working notes. The message and the answers themselves are exported.",
    )
    personal_data.register_not_exported(
        [HeldMail],
        "A held alert e-mail is the pipeline's bookkeeping (a thread key, a count and the latest "
        "alert to link to); it is erased with the alert it points to.",
    )
