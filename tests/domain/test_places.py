from domain.places import country_name, zone_for_place


def test_most_populous_city_wins():
    assert zone_for_place("Paris", "") == "Europe/Paris"
    assert zone_for_place("Washington", "United States") == "America/New_York"
    assert zone_for_place("Brussels", None) == "Europe/Brussels"


def test_country_narrows_the_city():
    assert zone_for_place("Paris", "US") == "America/Chicago"


def test_exonyms_and_accents():
    assert zone_for_place("Kiev", "") == "Europe/Kyiv"
    assert zone_for_place("Bruxelles", "Belgique") == "Europe/Brussels"
    assert zone_for_place("São Paulo", "Brazil") == "America/Sao_Paulo"


def test_country_alone_gives_the_capital():
    assert zone_for_place("", "Armenia") == "Asia/Yerevan"
    assert zone_for_place(None, "USA") == "America/New_York"


def test_unknown_places():
    assert zone_for_place("Xyzzyville", "") is None
    assert zone_for_place("", "") is None
    assert country_name("fr") == "France"
    assert country_name("Paris") is None
