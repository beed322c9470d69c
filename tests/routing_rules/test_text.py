from routing_rules.text import fold, keywords_found


def test_fold_strips_vietnamese_diacritics_and_case():
    assert fold("Cột  ĐIỆN đổ") == "cot dien do"


def test_keywords_match_whole_words_with_or_without_diacritics():
    assert keywords_found(["cột điện", "dây điện"], "cot dien nghieng giua duong") == ["cột điện"]
    assert keywords_found(["trộm"], "Bị TRỘM xe máy") == ["trộm"]
    # "cướp" must not match inside another word.
    assert keywords_found(["cướp"], "cướpbóc") == []
