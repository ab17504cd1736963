from django.urls import include, path

from . import views

app_name = "students"

urlpatterns = [
    path("", views.student_list, name="list"),
    path("<int:pk>/", views.student_detail, name="detail"),
    path("ringkasan/", views.summary, name="summary"),
    path("", include("ekonseling.students.urls_import")),
    path("", include("ekonseling.students.urls_accounts")),
    path("", include("ekonseling.students.urls_records")),
]
