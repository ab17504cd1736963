"""A student filling instruments and reading released results (under /instrumen/)."""

from django.urls import path

from . import views_fill

urlpatterns = [
    path("saya/", views_fill.my, name="my"),
    path("isi/<int:pk>/", views_fill.fill, name="fill"),
    path("isi/<int:pk>/simpan/", views_fill.autosave, name="autosave"),
    path("isi/<int:pk>/kirim/", views_fill.submit, name="submit"),
    path("hasil/<int:pk>/", views_fill.result, name="result"),
]
