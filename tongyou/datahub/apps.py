from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "tongyou.datahub"
    verbose_name = _("Child data hub")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .services.columns import COUNTED_MODELS, counts_changed

        for model in COUNTED_MODELS:
            post_save.connect(counts_changed, sender=model, dispatch_uid=f"counts-save-{model.__name__}")
            post_delete.connect(counts_changed, sender=model, dispatch_uid=f"counts-delete-{model.__name__}")
