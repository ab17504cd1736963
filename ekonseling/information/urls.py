from django.urls import path

from . import views

app_name = "information"

urlpatterns = [
    path("", views.my, name="my"),
    path("<int:pk>/", views.read, name="read"),
    path("kelola/", views.article_list, name="list"),
    path("kelola/baru/", views.article_new, name="new"),
    path("kelola/<int:pk>/", views.reads, name="reads"),
    path("kelola/<int:pk>/ubah/", views.article_edit, name="edit"),
    path("kelola/<int:pk>/media/", views.media_add, name="media_add"),
    path("kelola/media/<int:pk>/hapus/", views.media_delete, name="media_delete"),
    path("media/<int:pk>/", views.media, name="media"),
    path("kelola/<int:pk>/presentasi/", views.present, name="present"),
    path("kelola/<int:pk>/polling/", views.poll_new, name="poll_new"),
    path("polling/", views.polls_my, name="polls_my"),
    path("polling/<int:pk>/", views.poll, name="poll"),
    path("polling/<int:pk>/hasil/", views.poll_results, name="poll_results"),
    path("polling/<int:pk>/tutup/", views.poll_close, name="poll_close"),
]
