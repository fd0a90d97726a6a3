from django.contrib import admin

from .models import Camera, Recipient, Venue
from .services import geo


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    filter_horizontal = ["staff"]


@admin.register(Camera)
class CameraAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "contact", "retention_days"]


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "channel", "is_active"]
    exclude = ["cell4", "cell5", "cell6"]

    def save_model(self, request, obj, form, change) -> None:
        # The H3 cells follow the position: the index finds recipients by them.
        for resolution, cell in geo.cells_of(obj.latitude, obj.longitude).items():
            setattr(obj, f"cell{resolution}", cell)
        super().save_model(request, obj, form, change)
