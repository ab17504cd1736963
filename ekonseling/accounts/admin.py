from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

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
    readonly_fields = ["last_login", "date_joined"]

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
