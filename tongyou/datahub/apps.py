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
        # The columns hold the region tree read at the same version (a child's street is its
        # region's parent): a region added, moved or renamed reads them again.
        from tongyou.regions.models import Region

        post_save.connect(counts_changed, sender=Region, dispatch_uid="counts-save-Region")
        post_delete.connect(counts_changed, sender=Region, dispatch_uid="counts-delete-Region")
