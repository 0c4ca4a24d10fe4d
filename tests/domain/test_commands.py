from domain.commands import Agenda, Help, Invalid, Search, parse_command


def test_parse_command():
    assert parse_command("") == Help()
    assert parse_command("  HELP ") == Help()
    assert parse_command("today") == Agenda("today")
    assert parse_command("Week") == Agenda("week")
    assert parse_command("next") == Agenda("next")
    assert parse_command("  antony   blinken ") == Search("antony blinken")
    assert isinstance(parse_command("!!!"), Invalid)
    assert isinstance(parse_command("x" * 201), Invalid)
