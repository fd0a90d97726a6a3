from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tongyou.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .models import HolidayNotice
        from .workdays import notices_changed

        # A holiday notice entered or corrected changes every deadline in its year at once.
        post_save.connect(notices_changed, sender=HolidayNotice, dispatch_uid="holiday-notice-saved")
        post_delete.connect(notices_changed, sender=HolidayNotice, dispatch_uid="holiday-notice-deleted")
