from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Schools, people and roles"

    def ready(self):
        from . import signals  # noqa: F401  (turns model saves into membership_lost / user_deactivated)
