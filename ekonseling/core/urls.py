from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.index, name="index"),
    path("beranda/", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/ekspor/", views.audit_export, name="audit_export"),
    path("healthz", views.healthz, name="healthz"),
]
