"""Answers from elsewhere: paper sheets typed by a counselor, and spreadsheet imports."""

from django.urls import path

from . import views_entry

urlpatterns = [
    path("pemberian/<int:pk>/lembar-kertas/", views_entry.paper_entry, name="paper_entry"),
    path("pemberian/<int:pk>/impor-jawaban/", views_entry.import_upload, name="answer_import"),
    path("impor-jawaban/<int:pk>/", views_entry.import_preview, name="answer_import_preview"),
]
