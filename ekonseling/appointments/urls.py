from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.index, name="index"),
    path("minta/", views.request_new, name="request"),
    path("buat/", views.book, name="book"),
    path("ketersediaan/", views.availability, name="availability"),
    path("libur/", views.holidays, name="holidays"),
    path("kalender/", views.feed_settings, name="feed_settings"),
    path("kalender/<str:token>.ics", views.feed, name="feed"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/konfirmasi/", views.confirm, name="confirm"),
    path("<int:pk>/usul/", views.propose, name="propose"),
    path("<int:pk>/terima/", views.accept, name="accept"),
    path("<int:pk>/batal/", views.cancel, name="cancel"),
    path("<int:pk>/hasil/", views.outcome, name="outcome"),
    path("<int:pk>/panggilan/", views.call, name="call"),
    path("<int:pk>/kelompok/", views.group_add, name="group_add"),
    path("<int:pk>/kelompok/hapus/", views.group_remove, name="group_remove"),
]
