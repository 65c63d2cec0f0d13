from shop.catalog.search import normalise, normalise_many, query_words


def test_normalise_folds_case_and_accents_and_punctuation():
    assert normalise("Décolleté") == "decollete"
    assert normalise("Co-Q10 (ubiquinone)") == "co q10 ubiquinone"
    assert normalise("  L-PROLINE  ") == "l proline"


def test_normalise_many_pads_so_words_match_at_the_edges():
    assert normalise_many(["Hyaluronic acid", "", "Biotin"]) == " hyaluronic acid biotin "


def test_query_words_are_unique_normalised_and_bounded():
    assert query_words("Vitamin  vitamin C") == ["vitamin", "c"]
    assert query_words("%_") == []
    assert len(query_words(" ".join(f"w{i}" for i in range(20)))) == 8
