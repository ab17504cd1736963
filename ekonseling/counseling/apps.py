from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    name = "ekonseling.counseling"
    label = "counseling"
    verbose_name = _("Online counseling")

    def ready(self):
        from . import alerts

        # A flagged message is a source of safety alerts.
        alerts.register()

        from django.contrib.auth.signals import user_logged_out

        from ekonseling.accounts.signals import all_sessions_ended

        from . import demo, plugin, rules  # noqa: F401  (register with the kernel)

        user_logged_out.connect(_close_sockets_on_sign_out, dispatch_uid="counseling.close_sockets")
        all_sessions_ended.connect(_close_every_socket, dispatch_uid="counseling.close_every_socket")

        from django.db.models.signals import post_delete

        from .models import Attachment

        # With a receiver connected Django never "fast deletes" attachments in a cascade (one
        # DELETE, no rows loaded): each row is loaded, so its file is known and deleted too.
        post_delete.connect(_delete_attachment_file, sender=Attachment, dispatch_uid="counseling.attachment_file")

        from . import personal_data

        personal_data.register()


def _close_sockets_on_sign_out(sender, request, user, **kwargs):
    from . import services

    if user is not None:
        session = getattr(request, "session", None)
        services.end_sockets(user.pk, getattr(session, "session_key", None))


def _close_every_socket(sender, user, **kwargs):
    from . import services

    services.end_sockets(user.pk)


def _delete_attachment_file(sender, instance, using, **kwargs):
    """The encrypted file goes with its row, however the row goes (a message or conversation
    deleted, a student erased); otherwise it would stay on disk, and in backups, for ever."""
    from ekonseling.core.files import delete_after_commit

    delete_after_commit(instance.file.storage, instance.file.name, using=using)
