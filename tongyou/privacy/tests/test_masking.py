from tongyou.privacy.masking import mask_address, mask_id_number, mask_name, mask_phone


def test_id_number_keeps_region_and_last_four():
    assert mask_id_number("15010420150302101X") == "150104********101X"


def test_names_keep_first_and_last_character():
    assert mask_name("张小明") == "张*明"
    assert mask_name("李明") == "李*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name("王") == "*"


def test_phone_keeps_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_address_keeps_the_area_only():
    assert mask_address("小召前街街道大召社区5号楼") == "小召前街街道****"


def test_empty_values_stay_empty():
    assert mask_id_number("") == mask_name("") == mask_phone("") == mask_address("") == ""
