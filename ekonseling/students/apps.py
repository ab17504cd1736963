from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "ekonseling.students"
    label = "students"
    verbose_name = _("Student data")

    def ready(self):
        from django.db.models.signals import post_delete

        from . import caseload, demo, plugin, rules  # noqa: F401  (register with the kernel)

        caseload.connect()
        from .models import Student

        post_delete.connect(_delete_photo_file, sender=Student, dispatch_uid="students.photo_file")

        from django.db.models.signals import pre_save

        from ekonseling.accounts.models import User

        from .names import clean_names

        for model in (User, Student):
            pre_save.connect(clean_names, sender=model, dispatch_uid=f"students.clean_names.{model.__name__}")

        from . import personal_data

        personal_data.register()


def _delete_photo_file(sender, instance, using, **kwargs):
    """The photo file (not encrypted) goes with the student, however the row goes: an erasure, or a
    school deleted with its students."""
    from ekonseling.core.files import delete_after_commit

    if instance.photo:
        delete_after_commit(instance.photo.storage, instance.photo.name, using=using)
