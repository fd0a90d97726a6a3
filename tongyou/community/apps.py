from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "tongyou.community"
    verbose_name = _("Counsellors, volunteers and activities")
