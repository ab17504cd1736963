from django.contrib.auth.backends import ModelBackend


class SchoolModelBackend(ModelBackend):
    """Loads the user's school with the user: nearly every request asks for it."""

    def get_user(self, user_id):
        user = self._default_manager().select_related("school").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def _default_manager(self):
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager
