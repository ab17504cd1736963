from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "ekonseling.instruments"
    label = "instruments"
    verbose_name = _("Instruments")

    def ready(self):
        from django.db.models.signals import pre_delete

        from ekonseling.students.models import Student

        from . import demo, plugin, rules  # noqa: F401  (register with the kernel)

        pre_delete.connect(_drop_pending_imports, sender=Student, dispatch_uid="instruments.drop_pending_imports")


def _drop_pending_imports(sender, instance, **kwargs):
    """An erased student's answers may sit in a pending spreadsheet preview (encrypted, with other
    students' rows): drop the previews of every administration they were in; the uploader uploads again."""
    from .models import AnswerImport

    AnswerImport.objects.filter(administration__assignments__student=instance).delete()
