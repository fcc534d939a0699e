from portal.search import segment


def test_the_tokenizer_is_built_once_per_process():
    assert segment.tokenizer() is segment.tokenizer()


def test_policy_terms_from_the_dictionary_stay_whole():
    assert "专精特新小巨人" in segment.words("专精特新小巨人奖励")
    assert "研发费用加计扣除" in segment.index_tokens("企业研发费用加计扣除政策")


def test_index_tokens_also_keep_the_parts_of_long_terms():
    tokens = segment.index_tokens("高新技术企业")

    assert {"高新技术企业", "高新", "技术", "企业"} <= set(tokens)


def test_stop_words_and_punctuation_are_dropped():
    assert segment.words("关于高企的，政策！") == ["高企", "政策"]


def test_full_width_letters_and_digits_are_normalised():
    assert segment.normalise("ＡＢＣ１２３") == "abc123"
