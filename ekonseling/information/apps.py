from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InformationConfig(AppConfig):
    """The information service: articles for students, targeted, scheduled, with read tracking."""

    name = "ekonseling.information"
    label = "information"
    verbose_name = _("Information service")

    def ready(self):
        from . import demo, personal_data, plugin, rules  # noqa: F401  (register with the kernel)

        personal_data.register()

        from django.db.models.signals import post_delete

        from .models import ArticleMedia

        post_delete.connect(_delete_media_file, sender=ArticleMedia, dispatch_uid="information_media_file")


def _delete_media_file(sender, instance, using, **kwargs):
    from ekonseling.core.files import delete_after_commit

    delete_after_commit(instance.file.storage, instance.file.name, using=using)
