"""Finding children: by name, or exactly by ID number through the blind index."""

import re

from tongyou.core.scoping import scoped
from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.masking import mask_name

from ..models import ID_INDEX_PURPOSE, Child

ID_LIKE = re.compile(r"^\d{17}[\dXx]$")


def search_children(user, query=""):
    """Children the user may see, matching `query` (a name fragment or a full ID number)."""
    children = scoped(Child.objects.select_related("residence_region"), user)
    query = (query or "").strip()
    if ID_LIKE.match(query):
        children = children.filter(id_number_index=blind_index(query, ID_INDEX_PURPOSE))
    elif query:
        children = children.filter(name__contains=query)
    return children


def loggable_query(query):
    """What the audit log keeps of a search: never an ID number, a name only masked."""
    query = (query or "").strip()
    if ID_LIKE.match(query):
        return "<id number>"
    return mask_name(query)
