"""Several refusals read as one clean sentence list: no doubled marks, one full stop at the end."""

from hypothesis import given
from hypothesis import strategies as st

from tongyou.core.errors import Refusal, join_messages

# A message as services write them: words, perhaps ending with a mark of their own.
message = st.builds(
    lambda words, mark: words + mark,
    st.text(alphabet="第3行没有区划", min_size=1, max_size=10),
    st.sampled_from(["", "。", "；", "，", "."]),
)


@given(st.lists(message, max_size=6))
def test_joined_messages_never_double_their_punctuation(parts):
    joined = join_messages(parts)
    for doubled in ("。；", "；；", "。。", "；。", "，；", "，。"):
        assert doubled not in joined
    assert not joined or joined.endswith("。")


def test_a_refusal_with_several_problems_reads_as_one_list():
    refusal = Refusal(["第3行：没有区划150104999000。", "第5行：分子大于分母。"])
    assert str(refusal) == "第3行：没有区划150104999000；第5行：分子大于分母。"
    assert str(Refusal("只有一条。")) == "只有一条。"
