"""Tongyou (童友): the child-friendly city platform."""
