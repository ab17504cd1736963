from django.urls import path

from . import views_import

urlpatterns = [
    path("impor/", views_import.import_upload, name="import"),
    path("impor/<int:pk>/", views_import.import_preview, name="import_preview"),
]
