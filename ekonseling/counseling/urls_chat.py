"""Chat, inbox, handling and office hours (under /konseling/, namespace "counseling")."""

from django.urls import path

from . import views_chat, views_lexicon

urlpatterns = [
    path("", views_chat.home, name="home"),
    path("chat/baru/", views_chat.chat_new, name="chat_new"),
    path("inbox/", views_chat.inbox, name="inbox"),
    path("jam-layanan/", views_chat.office_hours, name="office_hours"),
    path("leksikon-risiko/", views_lexicon.risk_lexicon, name="risk_lexicon"),
    path("<int:pk>/", views_chat.conversation, name="conversation"),
    path("<int:pk>/pesan/", views_chat.messages_view, name="messages"),
    path("<int:pk>/lampiran/", views_chat.chat_attachment, name="chat_attachment"),
    path("<int:pk>/dibaca/", views_chat.mark_read, name="mark_read"),
    path("<int:pk>/ambil/", views_chat.claim, name="claim"),
    path("<int:pk>/alihkan/", views_chat.transfer, name="transfer"),
    path("<int:pk>/status/", views_chat.set_status, name="set_status"),
    path("alert/<int:pk>/", views_chat.alert_decide, name="alert_decide"),
]
