"""Small iCalendar feeds written for a test, one event a line of Python."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stop:
    uid: str
    title: str
    # Paris wall time, e.g. "20240402T100000"; an 8-digit value is an all-day event.
    start: str
    end: str | None = None
    status: str = "CONFIRMED"
    place: str = "Élysée Palace\\, Paris\\, France"

    def lines(self) -> list[str]:
        day = len(self.start) == 8
        when = ["DTSTART;VALUE=DATE:" + self.start] if day else ["DTSTART;TZID=Europe/Paris:" + self.start]
        if self.end:
            when.append(("DTEND;VALUE=DATE:" if day else "DTEND;TZID=Europe/Paris:") + self.end)
        return [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"SUMMARY:{self.title}",
            *when,
            "DTSTAMP:20240301T080000Z",
            f"LOCATION:{self.place}",
            f"STATUS:{self.status}",
            "CATEGORIES:Bilateral meeting",
            "END:VEVENT",
        ]


def calendar(*stops: Stop, name: str = "Test feed") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//TripDesk tests//EN", f"X-WR-CALNAME:{name}"]
    for stop in stops:
        lines += stop.lines()
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
