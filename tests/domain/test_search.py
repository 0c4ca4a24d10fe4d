from domain.search import fold, prefix_upper_bound, query_words, suggest, terms


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Stéphane  SÉJOURNÉ") == "stephane sejourne"
    assert fold("US–EU–Armenia") == "us eu armenia"
    assert fold("Jonas Gahr Støre") == "jonas gahr store"
    assert fold("Łukasz") == "lukasz"


def test_terms_skip_one_letter_fragments():
    assert terms("NATO's 75th-anniversary summit") == {"nato", "75th", "anniversary", "summit"}
    assert terms(None, "", "G7") == {"g7"}


def test_query_words_are_unique_and_longest_first():
    assert query_words("Blinken blinken Paris") == ["blinken", "paris"]
    assert query_words("???") == []


def test_prefix_upper_bound_closes_the_range():
    assert prefix_upper_bound("blink") == "blinl"
    assert "blinken" < prefix_upper_bound("blink")
    assert prefix_upper_bound("z") > "zz"


def test_suggest_offers_the_surname():
    names = ["Antony Blinken", "Emmanuel Macron", "Paris", "Brussels"]
    assert suggest("blinkin", names) == ["Blinken"]
    assert suggest("macorn", names) == ["Macron"]
    assert suggest("brusels", names) == ["Brussels"]
    assert suggest("zzzzzz", names) == []
    assert suggest("ab", names) == []
