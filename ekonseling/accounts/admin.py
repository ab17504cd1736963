from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core import audit, policy
from ekonseling.core.admin_site import SchoolScopedAdmin, admin_site

from .models import Role, User


class SchoolUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "role")


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
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "role", "password1", "password2"]})
    ]
    actions = ["reset_two_factor"]

    def get_readonly_fields(self, request, obj=None):
        fields = ["last_login", "date_joined"]
        if obj is not None and not policy.can(request.user, "admin.users.change_role", obj):
            fields.append("role")
        return fields

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, id)
        if target is not None and not policy.can(request.user, "admin.users.set_password", target):
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if target is not None and request.method == "POST":
            updated = User.objects.get(pk=target.pk)
            if updated.password != target.password:
                # A password someone else chose is a one-time password: the owner replaces it.
                User.objects.filter(pk=target.pk).update(must_change_password=True)
                audit.record(request, audit.Action.PASSWORD, updated, detail="password set by administrator")
        return response

    def save_model(self, request, obj, form, change):
        previous_role = User.objects.filter(pk=obj.pk).values_list("role", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(request, audit.Action.CREATE, obj, detail=f"account, role={obj.role}")
        elif previous_role != obj.role:
            audit.record(request, audit.Action.CHANGE, obj, detail=f"role {previous_role} -> {obj.role}")

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        count = 0
        for user in queryset:
            deleted, _ignored = TOTPDevice.objects.filter(user=user).delete()
            if deleted:
                count += 1
                audit.record(request, audit.Action.TWO_FACTOR, user, detail="reset by administrator")
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
