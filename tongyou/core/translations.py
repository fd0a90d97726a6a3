"""Strings Django itself shows that its own Chinese catalog does not translate yet (new in Django 6).
Listed here so that `makemessages` keeps them in our catalog, which Django reads first."""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("- Select an option -"),  # the empty choice of every model field with choices
]
