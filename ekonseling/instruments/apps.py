from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "ekonseling.instruments"
    label = "instruments"
    verbose_name = _("Instruments")

    def ready(self):
        from . import alerts

        # A sheet marking a critical item is a source of safety alerts.
        alerts.register()

        from ekonseling.students.views import STUDENT_PAGE_SECTIONS

        # The student page lists the student's instrument results to their counselors and to them.
        section = ("instruments/_student_section.html", "student.view_counseling")
        if section not in STUDENT_PAGE_SECTIONS:
            STUDENT_PAGE_SECTIONS.append(section)

        from django.db.models.signals import pre_delete

        from ekonseling.students.models import Student

        pre_delete.connect(_drop_pending_imports, sender=Student, dispatch_uid="instruments.drop_pending_imports")


def _drop_pending_imports(sender, instance, **kwargs):
    """An erased student's answers may sit in a pending spreadsheet preview (encrypted, with other
    students' rows): drop the previews of every administration they were in; the uploader uploads again."""
    from .models import AnswerImport

    AnswerImport.objects.filter(administration__assignments__student=instance).delete()
