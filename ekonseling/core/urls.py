from django.urls import path

from . import views, views_pwa

app_name = "core"

urlpatterns = [
    path("", views.index, name="index"),
    path("beranda/", views.home, name="home"),
    path("beranda/lencana/", views.badges, name="badges"),
    path("beranda/kartu/<str:name>/", views.home_card, name="home_card"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/ekspor/", views.audit_export, name="audit_export"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views_pwa.manifest, name="manifest"),
    path("sw.js", views_pwa.service_worker, name="service_worker"),
    path("offline/", views_pwa.offline, name="offline"),
]
