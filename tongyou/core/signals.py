"""Signals of the kernel."""

from django.dispatch import Signal

# A domain wrote records in bulk without model signals (an import, the synthetic district):
# `sender` is the model. Whatever depends on those records (computed indicators) reacts as it
# does to a save.
records_written = Signal()
