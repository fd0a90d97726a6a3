"""Finding children: by name, or exactly by ID number through the blind index."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from tongyou.core.scoping import scoped
from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.masking import mask_name
from tongyou.privacy.names import PINYIN_PURPOSE, name_index, pinyin_index

from ..models import ID_INDEX_PURPOSE, Child

if TYPE_CHECKING:
    from tongyou.accounts.models import User

ID_LIKE = re.compile(r"^\d{17}[\dXx]$")


def search_children(user: User, query: str = "") -> QuerySet[Child]:
    """Children the user may see, matching `query`: a full ID number, or a full name, found
    exactly or by its pinyin (王晓明 finds 王小明; so does "wang xiaoming"). Names are encrypted, so
    a fragment of a name finds nothing (docs/security.md)."""
    children = scoped(Child.objects.select_related("residence_region"), user)
    query = (query or "").strip()
    if ID_LIKE.match(query):
        children = children.filter(id_number_index=blind_index(query, ID_INDEX_PURPOSE))
    elif query:
        spelled = re.sub(r"[\s·.'-]+", "", query).lower()
        children = children.filter(
            Q(name_index=name_index(query))
            | Q(name_pinyin_index=pinyin_index(query))
            | Q(name_pinyin_index=blind_index(spelled, PINYIN_PURPOSE))
        )
    return children


def loggable_query(query: str) -> str:
    """What the audit log keeps of a search: never an ID number, a name only masked."""
    query = (query or "").strip()
    if ID_LIKE.match(query):
        return "<id number>"
    return mask_name(query)
