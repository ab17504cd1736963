from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("akun/", views.account, name="account"),
    path("akun/sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path("akun/keluar-semua/", views.logout_everywhere, name="logout_everywhere"),
    path("akun/2fa/aktifkan/", views.otp_setup, name="otp_setup"),
    path("akun/2fa/verifikasi/", views.otp_verify, name="otp_verify"),
    path("akun/2fa/nonaktifkan/", views.otp_disable, name="otp_disable"),
    path("akun/pulihkan/", views.restore_counseling, name="restore_counseling"),
    path("akun/staf/", views.staff_activation, name="staff_activation"),
    path("akun/staf/<int:pk>/sandi-sekali/", views.staff_issue_password, name="staff_issue_password"),
]
