"""Counseling letters, anonymous questions, attachments and the PDF export (under /konseling/)."""

from django.urls import path

from . import views_letters

urlpatterns = [
    path("surat/baru/", views_letters.letter_new, name="letter_new"),
    path("tanya/baru/", views_letters.question_new, name="question_new"),
    path("<int:pk>/tunjukkan-nama/", views_letters.reveal, name="reveal"),
    path("<int:pk>/balas/", views_letters.reply, name="reply"),
    path("<int:pk>/ekspor.pdf", views_letters.export_pdf, name="export_pdf"),
    path("lampiran/<int:pk>/", views_letters.attachment, name="attachment"),
]
