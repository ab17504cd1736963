from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ekonseling.core import audit, policy
from ekonseling.core.admin_site import SchoolScopedAdmin, admin_site

from . import services
from .models import COUNSELOR_ROLES, Role, User


class SchoolUserCreationForm(forms.ModelForm):
    """A new account has no password anyone knows: its owner gets a one-time password from whoever
    may issue one for its role (`account.issue_password`), and replaces it at the first sign-in."""

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "role")

    def clean(self):
        cleaned = super().clean()
        # Risk alerts reach a counselor by e-mail: an account without an address would miss them unseen.
        if cleaned.get("role") in COUNSELOR_ROLES and not cleaned.get("email"):
            message = _("A guru BK or koordinator BK needs an e-mail address: risk alerts are sent there.")
            self.add_error("email", message)
        return cleaned

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("An account with this username already exists."))
        return username

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        user.must_change_password = True
        if commit:
            user.save()
        return user


class UserAdmin(SchoolScopedAdmin, DjangoUserAdmin):
    policy_action = "admin.users"
    add_form = SchoolUserCreationForm
    list_display = ["username", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "email", "nip"]
    ordering = ["role", "username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "nip", "role"]}),
        (_("Status"), {"fields": ["is_active", "must_change_password", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name", "role", "email"]})]
    actions = ["reset_two_factor"]

    def get_readonly_fields(self, request, obj=None):
        # Only the owner's own new password clears "must change": an administrator who could clear it
        # would turn a one-time password into a working one.
        fields = ["must_change_password", "last_login", "date_joined"]
        if obj is not None and not policy.can(request.user, "admin.users.change_role", obj):
            fields.append("role")
        return fields

    def user_change_password(self, request, id, form_url=""):
        """Replaces Django's "set password" form: nobody types a password for someone else. A POST
        issues a random one-time password, shown on this one response, which the owner must replace
        at the next sign-in; only for accounts the administrator's reach covers
        (`account.issue_password`)."""
        target = self.get_object(request, unquote(id))
        if target is None:
            raise Http404
        if not policy.can(request.user, "account.issue_password", target):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("One-time password for %(username)s") % {"username": target.username},
            "opts": self.opts,
            "original": target,
            "target": target,
            "password": None,
        }
        if request.method == "POST":
            context["password"] = services.issue_one_time_password(
                target, request.user, **audit.request_origin(request)
            )
        request.current_app = self.admin_site.name
        response = TemplateResponse(request, "admin/accounts/user/issue_password.html", context)
        add_never_cache_headers(response)
        return response

    def save_model(self, request, obj, form, change):
        previous = User.objects.filter(pk=obj.pk).values_list("role", "is_active").first() if change else None
        previous_role, was_active = previous or (None, False)
        super().save_model(request, obj, form, change)
        origin = audit.request_origin(request)
        if not change:
            services.account_created(obj, request.user, **origin)
        elif previous_role != obj.role:
            # A role is what the account may read: whoever held its password or a session for the
            # old role must not carry them into the new one, so the owner activates it again.
            services.withdraw_credentials(obj, request.user, detail=f"role {previous_role} -> {obj.role}", **origin)
        if change and was_active and not obj.is_active:
            services.deactivated(obj, request.user, **origin)

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        origin = audit.request_origin(request)
        count = sum(services.reset_two_factor(user, request.user, **origin) for user in queryset)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %d account.", "Two-factor sign-in was reset for %d accounts.", count
            )
            % count,
            messages.SUCCESS,
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            fieldsets = [*fieldsets, (_("School"), {"fields": ["school"]})]
        return fieldsets

    def get_exclude(self, request, obj=None):
        return None

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            # Parent accounts come with the parent portal; until then they cannot be made.
            kwargs["choices"] = [("", "---------")] + [c for c in Role.choices if c[0] != Role.ORANG_TUA]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_superuser=False)


admin_site.register(User, UserAdmin)
