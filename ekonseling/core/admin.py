from django import forms
from django.utils.translation import gettext_lazy as _

from . import files, policy
from .admin_site import SchoolScopedAdmin, admin_site, school_inlines
from .images import normalise_logo
from .models import School


class SchoolForm(forms.ModelForm):
    """The school settings; the logo is re-encoded on upload (core.images) and may be removed."""

    # A website typed without a scheme is read as https (Django 6's default), said here so that
    # Django 5.2 does not warn on every form it builds.
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = School
        fields = ["logo"]  # the admin sets the rest from its fieldsets
        # Not ClearableFileInput: uploads are private (no public MEDIA_URL to link to).
        widgets = {"logo": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial_logo_name = self.instance.logo.name if self.instance.logo else ""
        if not self.instance.logo:
            self.initial.pop("logo", None)  # an empty FieldFile is no initial value

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "image"):
            return logo  # unchanged (the stored file) or none
        return normalise_logo(logo)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_logo") and not hasattr(cleaned.get("logo"), "image"):
            cleaned["logo"] = False  # what the model field takes as "clear"
        return cleaned


class SchoolAdmin(SchoolScopedAdmin):
    policy_action = "admin.school"
    form = SchoolForm
    list_display = ["name", "npsn", "level", "city"]
    search_fields = ["name", "npsn"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "npsn", "level", "language"]}),
        (
            _("Letterhead"),
            {
                "fields": [
                    "address",
                    "city",
                    "province",
                    "phone",
                    "email",
                    "website",
                    "headmaster_name",
                    "headmaster_nip",
                    "logo",
                    "remove_logo",
                ]
            },
        ),
        (_("Security"), {"fields": ["require_staff_2fa"]}),
    ]

    def get_queryset(self, request):
        queryset = super(SchoolScopedAdmin, self).get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk=request.user.school_id)

    def get_inlines(self, request, obj):
        # The apps' per-school settings (crisis contacts, ...), registered from their admin.py.
        return school_inlines()

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["slug"]

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only field is not in the form, and the admin cannot prepopulate what is not there.
        return super().get_prepopulated_fields(request, obj) if request.user.is_superuser else {}

    def get_exclude(self, request, obj=None):
        return []

    def save_model(self, request, obj, form, change):
        super(SchoolScopedAdmin, self).save_model(request, obj, form, change)
        old = getattr(form, "initial_logo_name", "")
        if old and old != (obj.logo.name if obj.logo else ""):
            files.delete_after_commit(obj.logo.storage, old)  # the replaced or removed logo

    def has_add_permission(self, request):
        return policy.can(request.user, "admin.school.create")

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, "admin.school.delete", obj)


admin_site.register(School, SchoolAdmin)
