import pytest

from tongyou.accounts.models import Unit
from tongyou.accounts.services import UnknownUnit, names_a_choice, resolve_unit_names, split_unit_list

pytestmark = pytest.mark.django_db


def codes(text):
    return [u.code for u in resolve_unit_names(text)]


def test_every_unit_the_plan_names_is_loaded():
    names = set(Unit.objects.values_list("name", flat=True))
    for expected in [
        "区妇儿工委办公室",
        "区发改委",
        "区民政局",
        "区公安分局",
        "区教育局",
        "区卫健委",
        "区医保局",
        "区残联",
        "区妇联",
        "区团委",
        "区少工委",
        "小召前街街道办事处",
        "小黑河镇人民政府",
    ]:
        assert expected in names


def test_the_district_prefix_distributes_over_a_list():
    assert codes("区卫健委、医保局。") == ["wjw", "ybj"]


def test_other_spellings_in_the_plan_resolve_to_one_unit():
    assert codes("区公安局、民政局（未保办）") == ["gafj", "mzj"]
    assert codes("文体广电局") == codes("文旅广电局") == ["wlgd"]
    assert codes("城管局") == ["cgj"]


def test_group_words_expand_to_the_town_and_street_offices_and_the_relevant_ones_are_chosen():
    street_offices = Unit.objects.filter(kind=Unit.Kind.STREET_OFFICE).count()
    assert street_offices == 10  # nine street offices and the town, and the industrial park's committee
    assert "office-150104400" not in codes("各镇办") and len(codes("各镇办")) == street_offices - 1
    # "the relevant ones" are not all of them: the office chooses (monitoring's task page)
    assert codes("全体相关单位") == [] and codes("各相关镇办") == []
    assert names_a_choice("区公安分局、各相关镇办") and not names_a_choice("区财政局、各镇办。")


def test_an_unknown_unit_is_named():
    with pytest.raises(UnknownUnit, match="区火星局"):
        resolve_unit_names("区教育局、区火星局")


def test_split_handles_both_separators_and_the_full_stop():
    assert split_unit_list("法院、检察院，区财政局。") == ["法院", "检察院", "区财政局"]
