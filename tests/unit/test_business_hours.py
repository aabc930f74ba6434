"""Business hours: open or closed at a given instant, when the shop next opens and when a
reply is due, on the shop's own clock (time zones, daylight saving, holidays, lunch breaks)."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.helpdesk import hours

UTC = timezone.utc
SEOUL = ZoneInfo("Asia/Seoul")
LA = ZoneInfo("America/Los_Angeles")


def hm(text):
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def week(zone="UTC", days=range(5), spans=(("09:00", "18:00"),), holidays=(), target=120,
         closed_target=60):
    """A schedule open on `days` (0 = Monday) during each of `spans`."""
    rows = [(day, hm(opens), hm(closes)) for day in days for opens, closes in spans]
    return hours.schedule(zone, rows, holidays, target_minutes=target,
                          closed_target_minutes=closed_target)


def at(zone, *parts):
    return datetime(*parts, tzinfo=zone)


# 2026-03-02 is a Monday.
MONDAY = date(2026, 3, 2)


def test_open_from_the_opening_minute_and_closed_from_the_closing_minute():
    sched = week()
    assert not hours.is_open(sched, at(UTC, 2026, 3, 2, 8, 59))
    assert hours.is_open(sched, at(UTC, 2026, 3, 2, 9, 0))
    assert hours.is_open(sched, at(UTC, 2026, 3, 2, 17, 59))
    assert not hours.is_open(sched, at(UTC, 2026, 3, 2, 18, 0))
    assert hours.closes_at(sched, at(UTC, 2026, 3, 2, 9, 0)) == at(UTC, 2026, 3, 2, 18, 0)
    assert hours.closes_at(sched, at(UTC, 2026, 3, 2, 18, 0)) is None


def test_a_question_asked_just_before_closing_runs_on_into_the_next_morning():
    """Two hours of opening time: ten minutes on Monday evening, the rest on Tuesday."""
    sched = week()
    assert hours.reply_due(sched, at(UTC, 2026, 3, 2, 17, 50)) == at(UTC, 2026, 3, 3, 10, 50)
    # Exactly at closing the shop is closed: the closed-hours target from Tuesday's opening.
    assert hours.reply_due(sched, at(UTC, 2026, 3, 2, 18, 0)) == at(UTC, 2026, 3, 3, 10, 0)


def test_a_friday_evening_question_is_due_on_monday():
    sched = week(zone="Asia/Seoul")
    friday_evening = at(SEOUL, 2026, 3, 6, 20, 30)
    assert not hours.is_open(sched, friday_evening)
    assert hours.next_opening(sched, friday_evening) == at(SEOUL, 2026, 3, 9, 9, 0)
    assert hours.reply_due(sched, friday_evening) == at(SEOUL, 2026, 3, 9, 10, 0)
    # Asked at 17:00 on Friday: one hour on Friday, the second on Monday morning.
    assert hours.reply_due(sched, at(SEOUL, 2026, 3, 6, 17, 0)) == at(SEOUL, 2026, 3, 9, 10, 0)


def test_seoul_hours_are_seoul_wall_clock_in_utc():
    """09:00 in Seoul is 00:00 UTC: open then, closed at 23:59 UTC the day before."""
    sched = week(zone="Asia/Seoul")
    assert hours.is_open(sched, at(UTC, 2026, 3, 2, 0, 0))
    assert not hours.is_open(sched, at(UTC, 2026, 3, 1, 23, 59))
    assert hours.local(sched, at(UTC, 2026, 3, 2, 0, 0)).hour == 9


def test_a_holiday_is_closed_all_day_and_the_due_time_skips_it():
    sched = week(zone="Asia/Seoul", holidays=[(date(2026, 3, 3), "Staff day")])
    tuesday_noon = at(SEOUL, 2026, 3, 3, 12, 0)
    assert not hours.is_open(sched, tuesday_noon)
    assert hours.next_opening(sched, tuesday_noon) == at(SEOUL, 2026, 3, 4, 9, 0)
    # Monday 17:00: one hour on Monday, Tuesday skipped, the second hour on Wednesday.
    assert hours.reply_due(sched, at(SEOUL, 2026, 3, 2, 17, 0)) == at(SEOUL, 2026, 3, 4, 10, 0)
    assert hours.upcoming_holidays(sched, MONDAY) == [(date(2026, 3, 3), "Staff day")]
    assert hours.upcoming_holidays(sched, date(2026, 3, 4)) == []


def test_spring_forward_a_question_before_the_change_is_due_at_the_right_instant_after():
    """Los Angeles moves from PST (UTC-8) to PDT (UTC-7) on Sunday 8 March 2026: Monday's
    09:00 opening is 16:00 UTC, not 17:00 as it was the Friday before."""
    sched = week(zone="America/Los_Angeles")
    friday = at(LA, 2026, 3, 6, 17, 30)            # PST, 01:30 UTC on Saturday
    assert friday.utcoffset() == timedelta(hours=-8)
    due = hours.reply_due(sched, friday)           # 30 minutes on Friday, 90 on Monday
    assert due == datetime(2026, 3, 9, 17, 30, tzinfo=UTC)
    assert hours.local(sched, due) == at(LA, 2026, 3, 9, 10, 30)
    assert hours.next_opening(sched, friday + timedelta(hours=1)) == \
        datetime(2026, 3, 9, 16, 0, tzinfo=UTC)


def test_fall_back_a_question_before_the_change_is_due_at_the_right_instant_after():
    """Back to PST on Sunday 1 November 2026: Monday's 09:00 is 17:00 UTC."""
    sched = week(zone="America/Los_Angeles")
    friday = at(LA, 2026, 10, 30, 19, 0)            # PDT, closed
    assert hours.next_opening(sched, friday) == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    assert hours.reply_due(sched, friday) == datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


def test_a_night_spanning_the_clock_change_counts_the_real_hours():
    """Open 00:00-04:00 on the Sunday the clocks go back: five real hours (01:00 twice);
    on the Sunday they go forward, three."""
    sched = week(zone="America/Los_Angeles", days=[6], spans=(("00:00", "04:00"),), target=240)
    start = at(LA, 2026, 11, 1, 0, 0)
    assert hours.closes_at(sched, start) - start.astimezone(UTC) == timedelta(hours=5)
    assert hours.reply_due(sched, start) == datetime(2026, 11, 1, 11, 0, tzinfo=UTC)  # 03:00 PST
    spring = at(LA, 2026, 3, 8, 0, 0)
    assert hours.closes_at(sched, spring) - spring.astimezone(UTC) == timedelta(hours=3)


def test_a_lunch_break_stops_the_clock():
    sched = week(zone="Asia/Seoul", spans=(("09:00", "12:00"), ("13:00", "18:00")))
    assert hours.is_open(sched, at(SEOUL, 2026, 3, 2, 11, 59))
    assert not hours.is_open(sched, at(SEOUL, 2026, 3, 2, 12, 0))
    assert not hours.is_open(sched, at(SEOUL, 2026, 3, 2, 12, 59))
    assert hours.is_open(sched, at(SEOUL, 2026, 3, 2, 13, 0))
    assert hours.closes_at(sched, at(SEOUL, 2026, 3, 2, 9, 0)) == at(SEOUL, 2026, 3, 2, 12, 0)
    # 11:00 + two hours of opening time: one before lunch, one after.
    assert hours.reply_due(sched, at(SEOUL, 2026, 3, 2, 11, 0)) == at(SEOUL, 2026, 3, 2, 14, 0)
    # Asked during lunch: the closed-hours target from 13:00.
    assert hours.reply_due(sched, at(SEOUL, 2026, 3, 2, 12, 30)) == at(SEOUL, 2026, 3, 2, 14, 0)


def test_a_day_open_until_midnight_runs_on_into_the_next_day():
    """Friday 18:00-24:00 and Saturday 00:00-02:00: one opening, open at midnight exactly."""
    rows = [(4, hm("18:00"), 1440), (5, 0, hm("02:00"))]
    sched = hours.schedule("Asia/Seoul", rows, target_minutes=120)
    midnight = at(SEOUL, 2026, 3, 7, 0, 0)
    assert hours.is_open(sched, midnight)
    assert hours.is_open(sched, midnight - timedelta(minutes=1))
    assert hours.closes_at(sched, at(SEOUL, 2026, 3, 6, 23, 0)) == at(SEOUL, 2026, 3, 7, 2, 0)
    assert hours.reply_due(sched, at(SEOUL, 2026, 3, 6, 23, 30)) == at(SEOUL, 2026, 3, 7, 1, 30)
    assert not hours.is_open(sched, at(SEOUL, 2026, 3, 7, 2, 0))


def test_a_shop_with_no_hours_is_always_open_and_answers_on_the_plain_clock():
    sched = hours.schedule("Asia/Seoul", [], target_minutes=90)
    sunday_night = at(SEOUL, 2026, 3, 8, 23, 0)
    assert sched.always_open and hours.is_open(sched, sunday_night)
    assert hours.next_opening(sched, sunday_night) == sunday_night
    assert hours.closes_at(sched, sunday_night) is None
    assert hours.reply_due(sched, sunday_night) == sunday_night + timedelta(minutes=90)
    found = hours.promise(sched, sunday_night)
    assert found.always_open and found.open_now and found.opens_at is None


def test_a_shop_closed_for_good_has_no_next_opening_and_no_due_time():
    """Open on Mondays only, every Monday a holiday for two years: no answer, and no endless
    search for one."""
    mondays = [(MONDAY + timedelta(weeks=n), "Closed") for n in range(110)]
    sched = week(days=[0], holidays=mondays)
    asked = at(UTC, 2026, 3, 2, 10, 0)
    assert not hours.is_open(sched, asked)
    assert hours.next_opening(sched, asked) is None
    assert hours.reply_due(sched, asked) is None
    assert hours.closes_at(sched, asked) is None
    found = hours.promise(sched, asked)
    assert not found.open_now and found.opens_at is None and found.due_at is None


def test_the_promise_names_the_next_opening_while_closed():
    sched = week(zone="Asia/Seoul")
    saturday = at(SEOUL, 2026, 3, 7, 15, 0)
    found = hours.promise(sched, saturday)
    assert not found.open_now and not found.always_open
    assert found.opens_at == at(SEOUL, 2026, 3, 9, 9, 0)
    assert found.due_at == at(SEOUL, 2026, 3, 9, 10, 0)
    assert (found.target_minutes, found.closed_target_minutes, found.timezone) == \
        (120, 60, "Asia/Seoul")
    monday = hours.promise(sched, at(SEOUL, 2026, 3, 9, 10, 0))
    assert monday.open_now and monday.opens_at is None


def test_an_unknown_time_zone_reads_as_utc_rather_than_failing():
    """A zone name the system no longer knows must not take every page down with it."""
    sched = week(zone="Mars/Olympus")
    assert hours.is_open(sched, at(UTC, 2026, 3, 2, 9, 0))


@pytest.mark.parametrize("locale, expected", [
    ("en", ["Mon–Fri 09:00–12:00, 13:00–18:00", "Sat 10:00–13:00"]),
    ("ko", ["월–금 09:00–12:00, 13:00–18:00", "토 10:00–13:00"]),
])
def test_the_week_in_words_groups_days_with_the_same_hours(locale, expected):
    rows = [(day, hm("09:00"), hm("12:00")) for day in range(5)]
    rows += [(day, hm("13:00"), hm("18:00")) for day in range(5)]
    rows += [(5, hm("10:00"), hm("13:00"))]
    assert hours.describe_week(hours.schedule("Asia/Seoul", rows), locale) == expected


def test_the_week_in_words_lists_days_apart_and_midnight_as_24_00():
    rows = [(0, hm("10:00"), hm("16:00")), (2, hm("10:00"), hm("16:00")),
            (4, hm("20:00"), 1440), (5, hm("20:00"), 1440)]
    assert hours.describe_week(hours.schedule("UTC", rows), "en") == [
        "Mon, Wed 10:00–16:00", "Fri, Sat 20:00–24:00"]
    assert hours.describe_week(hours.schedule("UTC", []), "en") == []
