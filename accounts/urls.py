from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import SignInForm
from accounts.password_reset import ThrottledPasswordResetView

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("logout/", views.logout, name="logout"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path(
        "password-reset/",
        ThrottledPasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password-reset-done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password-reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password-reset-complete")
        ),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("two-factor/", views.two_factor_overview, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path(
        "two-factor/backup-codes/",
        views.two_factor_backup_codes,
        name="two-factor-backup-codes",
    ),
    path("two-factor/turn-off/", views.two_factor_disable, name="two-factor-disable"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export/", views.audit_log_export, name="audit-log-export"),
    path("locked-accounts/", views.lockout_list, name="lockout-list"),
    path("locked-accounts/unlock/", views.unlock_account, name="unlock-account"),
]
