"""The Django admin, for the school operator (and the platform superuser), behind the policy.

Access comes from core.policy, not from Django's is_staff/permission tables: an operator manages
their own school's rows and nothing else; the superuser manages schools and their accounts.
"""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import policy
from .forms import IdField, IdsField, plausible_id


class EKonselingAdminSite(admin.AdminSite):
    site_header = _("E-Konseling administration")
    site_title = _("E-Konseling")
    index_title = _("School administration")

    def has_permission(self, request):
        return policy.can(request.user, "admin.access")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        # One sign-in page for the whole site. A signed-in user who lands here lacks access:
        # refuse instead of bouncing between the admin and the sign-in page.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or request.get_full_path())


admin_site = EKonselingAdminSite(name="admin")


class SchoolScopedAdmin(admin.ModelAdmin):
    """Rows of the user's school only; each permission is one policy action."""

    policy_action = None  # e.g. "admin.rombel"

    def _can(self, request, obj=None):
        return policy.can(request.user, self.policy_action, obj)

    def has_module_permission(self, request):
        return self._can(request)

    def has_view_permission(self, request, obj=None):
        return self._can(request, obj)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return self._can(request)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, obj)

    def response_action(self, request, queryset):
        # Django filters the rows with the posted ids as they are: `\x00` or a 400-digit id was a
        # ValueError or an OverflowError, a 500 (issue 11). What cannot be an id selects nothing.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(plausible_id(pk) for pk in selected):
            self.message_user(
                request,
                gettext("Items must be selected in order to perform actions on them. No items have been changed."),
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(school_id=request.user.school_id)

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            excluded.append("school")
        return excluded

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser or not any(f.name == "school" for f in self.model._meta.fields):
            return form_class
        school_id = request.user.school_id

        class OwnSchoolForm(form_class):
            # Set before validation, so model checks see the school the row will belong to.
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.school_id = school_id

        return OwnSchoolForm

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.school_id = request.user.school_id
        super().save_model(request, obj, form, change)

    def _limit_to_school(self, request, queryset):
        model = queryset.model
        if request.user.is_superuser:
            return queryset
        if any(f.name == "school" for f in model._meta.fields):
            return queryset.filter(school_id=request.user.school_id)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdField)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self._limit_to_school(request, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdsField)  # a 400-digit id is a message, not a 500 (issue 11)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self._limit_to_school(request, field.queryset)
        return field


MAX_INLINE_FORMS = 50


class BoundedInlineMixin:
    """An inline whose forged TOTAL_FORMS builds at most `max_num` forms (Django's own cap is
    max_num + 1000: a thousand forms built and validated for one POST, issue 11). Every inline of
    the admin uses it (tests/test_hostile_forms.py checks)."""

    def get_formset(self, request, obj=None, **kwargs):
        max_num = kwargs.get("max_num", self.get_max_num(request, obj, **kwargs))
        kwargs.setdefault("absolute_max", min(max_num or MAX_INLINE_FORMS, MAX_INLINE_FORMS))
        kwargs.setdefault("max_num", kwargs["absolute_max"])
        return super().get_formset(request, obj, **kwargs)


class BoundedStackedInline(BoundedInlineMixin, admin.StackedInline):
    pass


class BoundedTabularInline(BoundedInlineMixin, admin.TabularInline):
    pass


class SchoolSettingsInline(BoundedStackedInline):
    """An app's per-school settings row (one-to-one to School), edited on the School's admin page by
    whoever may edit that school. Apps subclass it and `register_school_inline` it from their
    admin.py, so the kernel's School page carries no app's fields. An untouched form saves no row:
    the app's defaults hold until someone sets a value."""

    extra = 1
    max_num = 1
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return policy.can(request.user, "admin.school", obj)

    has_change_permission = has_view_permission
    has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False


_SCHOOL_INLINES: list[type[SchoolSettingsInline]] = []


def register_school_inline(inline: type[SchoolSettingsInline]) -> None:
    """Show an app's per-school settings on the School admin page."""
    if inline not in _SCHOOL_INLINES:
        _SCHOOL_INLINES.append(inline)


def school_inlines() -> list[type[SchoolSettingsInline]]:
    return list(_SCHOOL_INLINES)
