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


def test_feed_commands():
    from domain.commands import AddFeed, FeedAddress, ListFeeds, RemoveFeed, RotateFeed, SyncFeeds

    assert parse_command("feed") == FeedAddress()
    assert parse_command("feed Blinken") == FeedAddress("Blinken")
    assert parse_command("feed ROTATE") == RotateFeed()
    assert parse_command("feeds") == ListFeeds()
    assert parse_command("feeds sync") == SyncFeeds()
    # Slack sends a pasted link as <url> or <url|label>.
    assert parse_command("feeds add <https://nato.int/cal.ics> NATO summit") == AddFeed(
        "https://nato.int/cal.ics", "NATO summit"
    )
    assert parse_command("feeds add <https://nato.int/cal.ics|nato.int/cal.ics>") == AddFeed("https://nato.int/cal.ics")
    assert parse_command("feeds add <https://x.org/cal.ics?a=1&amp;b=2>") == AddFeed("https://x.org/cal.ics?a=1&b=2")
    assert parse_command("feeds remove 2") == RemoveFeed(2)
    assert isinstance(parse_command("feed x"), Invalid)
    for wrong in ("feeds remove", "feeds remove two", "feeds remove 0", "feeds add", "feeds drop 1", "feeds sync now"):
        assert isinstance(parse_command(wrong), Invalid), wrong


def test_follow_commands():
    from domain.commands import Follow, Following, Unfollow

    assert parse_command("follow blinken") == Follow("blinken", 60)
    assert parse_command("follow Séjourné 2h") == Follow("Séjourné", 120)
    assert parse_command("follow nato summit 1d") == Follow("nato summit", 1440)
    # A lone number is part of the query: "2024" is not a lead time.
    assert parse_command("follow nato 2024") == Follow("nato 2024", 60)
    assert parse_command("follow blinken 1 hour") == Follow("blinken", 60)
    assert parse_command("follow blinken 90 min") == Follow("blinken", 90)
    assert parse_command("follow blinken 2 days") == Follow("blinken", 2880)
    assert parse_command("follow blinken 1w") == Follow("blinken", 10080)
    # Ordinals and numbered names are the query's.
    assert parse_command("follow nato 75th") == Follow("nato 75th", 60)
    assert parse_command("follow g7 summit") == Follow("g7 summit", 60)
    assert parse_command("follow nato 2 summits") == Follow("nato 2 summits", 60)
    assert parse_command("follow huawei 5g") == Follow("huawei 5g", 60)
    assert parse_command("unfollow blinken") == Unfollow("blinken")
    assert parse_command("following") == Following()
    wrong_ones = ("follow", "follow !!", "follow blinken 8d", "follow blinken 0m", "follow blinken 2months")
    for wrong in (*wrong_ones, "follow 2h", "follow 1 hour", "unfollow", "following x"):
        assert isinstance(parse_command(wrong), Invalid), wrong


def test_changes_commands():
    from domain.commands import Changes

    assert parse_command("changes") == Changes()
    assert parse_command("CHANGES 24h") == Changes(24 * 60)
    assert parse_command("changes 2 hours") == Changes(120)
    assert parse_command("changes 3d") == Changes(3 * 1440)
    assert parse_command("changes 1w") == Changes(7 * 1440)
    assert parse_command("changes 90 min") == Changes(90)
    assert parse_command("changes 30d") == Changes(30 * 1440)
    for bad in ("changes soon", "changes 5th", "changes 24", "changes h", "changes 0m", "changes 31d", "changes 2h x"):
        assert isinstance(parse_command(bad), Invalid), bad
