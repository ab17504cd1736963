"""The instrument library (under /instrumen/): list, samples, import, detail, export, archive."""

from django.urls import path

from . import views_library

urlpatterns = [
    path("pustaka/", views_library.library, name="library"),
    path("pustaka/contoh/", views_library.install_samples, name="install_samples"),
    path("pustaka/impor/", views_library.import_definition, name="import_definition"),
    path("pustaka/<int:pk>/", views_library.detail, name="instrument"),
    path("pustaka/<int:pk>/ekspor.json", views_library.export, name="export_definition"),
    path("pustaka/<int:pk>/arsip/", views_library.archive, name="archive"),
    path("pustaka/templat/<str:kind>.xlsx", views_library.definition_template, name="definition_template"),
    path("pustaka/<int:pk>/ekspor.xlsx", views_library.export_xlsx, name="export_definition_xlsx"),
    path("pustaka/<int:pk>/ubah/", views_library.edit, name="edit_definition"),
]
