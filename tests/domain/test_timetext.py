from datetime import UTC, datetime

from blocks.when import reader_time_token
from domain.timetext import venue_time_text
from domain.vocabulary import Precision
from domain.zones import zone


def text(start, end=None, precision=Precision.EXACT, tz="Europe/Paris"):
    return venue_time_text(starts_at=start, ends_at=end, precision=precision, tz=tz)


def test_exact_times_carry_the_zone_abbreviation_of_that_date():
    winter = datetime(2024, 3, 30, 9, 0, tzinfo=UTC)
    summer = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
    assert text(winter) == "Sat 30 Mar 2024, 10:00 CET"
    assert text(summer) == "Tue 2 Apr 2024, 10:00 CEST"
    assert text(summer, datetime(2024, 4, 2, 9, 0, tzinfo=UTC)) == "Tue 2 Apr 2024, 10:00–11:00 CEST"
    assert text(summer, datetime(2024, 4, 3, 9, 0, tzinfo=UTC)) == "Tue 2 Apr 10:00 – Wed 3 Apr 2024 11:00 CEST"


def test_new_york_across_its_own_change():
    # The US moved its clocks on 10 March 2024, three weeks before Europe.
    assert text(datetime(2024, 3, 11, 14, 0, tzinfo=UTC), tz="America/New_York") == "Mon 11 Mar 2024, 10:00 EDT"
    assert text(datetime(2024, 3, 8, 15, 0, tzinfo=UTC), tz="America/New_York") == "Fri 8 Mar 2024, 10:00 EST"


def test_day_and_month_precision():
    brussels = zone("Europe/Brussels")
    start = datetime(2024, 4, 3, tzinfo=brussels).astimezone(UTC)
    end = datetime(2024, 4, 5, tzinfo=brussels).astimezone(UTC)
    assert text(start, end, Precision.DAY, "Europe/Brussels") == "Wed 3 – Thu 4 Apr 2024, time TBC"
    assert text(start, None, Precision.DAY, "Europe/Brussels") == "Wed 3 Apr 2024, time TBC"
    across = datetime(2024, 5, 2, tzinfo=brussels).astimezone(UTC)
    assert (
        text(datetime(2024, 4, 30, tzinfo=brussels).astimezone(UTC), across, Precision.DAY, "Europe/Brussels")
        == "Tue 30 Apr – Wed 1 May 2024, time TBC"
    )
    july = datetime(2024, 7, 1, tzinfo=zone("America/New_York")).astimezone(UTC)
    assert text(july, None, Precision.MONTH, "America/New_York") == "July 2024, date TBC"


def test_reader_time_token():
    start = datetime(2024, 4, 2, 10, 0, tzinfo=zone("Europe/Paris"))
    assert reader_time_token(start) == "<!date^1712044800^{date_short_pretty} {time}|Tue 2 Apr 2024 08:00 UTC>"
