"""The business hours page: the merchant sets the week, holidays, reply times and who answers;
the storefront's footer shows the week, and the reply promise says when the shop answers."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import render_template
from flask_babel import force_locale

from domain import shopconfig
from domain.extensions import db
from domain.helpdesk import hours
from domain.models import BusinessHours, Holiday, ShopSettings
from tests.page_helpers import text

PAGE = "/admin/settings/hours"
# Saturday 7 March 2026, 15:00 in Seoul.
SATURDAY = datetime(2026, 3, 7, 6, 0, tzinfo=timezone.utc)
KO = {"Accept-Language": "ko-KR,ko;q=0.9"}


def week_form(**overrides):
    """Mon–Fri 09:00–12:00 and 13:00–18:00, Saturday 10:00–13:00, Sunday closed."""
    data = {}
    for day in range(5):
        data.update({f"d{day}_0_opens": "09:00", f"d{day}_0_closes": "12:00",
                     f"d{day}_1_opens": "13:00", f"d{day}_1_closes": "18:00"})
    data.update({"d5_0_opens": "10:00", "d5_0_closes": "13:00"})
    data.update(overrides)
    return data


def stored(app):
    """What the page has saved: the intervals, holidays, targets and persona."""
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        return {
            "hours": sorted(db.session.execute(db.select(
                BusinessHours.weekday, BusinessHours.opens_minute, BusinessHours.closes_minute)).all()),
            "holidays": sorted(db.session.execute(db.select(Holiday.day, Holiday.label)).all()),
            "targets": row and (row.reply_target_minutes, row.reply_target_closed_minutes,
                                row.reopen_days),
            "persona": row and row.persona,
        }


@pytest.fixture
def seoul(app, make):
    app.config["CLOCK"] = lambda: SATURDAY
    make.settings(name="Moonjar", timezone="Asia/Seoul", email="hello@moonjar.example")


def footer(response):
    return re.search(r'<footer class="site-footer">.*?</footer>', text(response), re.S).group(0)


def test_the_page_saves_the_week_and_the_footer_shows_it(client, post, seoul, merchant, app):
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Asia/Seoul" in text(page)  # the page states the zone the times are in
    assert 'href="/admin/settings/hours"' in text(client.get("/admin/settings"))
    response = post(PAGE, week_form(), token_from=PAGE)
    assert response.status_code == 303
    assert stored(app)["hours"][:2] == [(0, 540, 720), (0, 780, 1080)]
    assert (5, 600, 780) in stored(app)["hours"] and len(stored(app)["hours"]) == 11
    shown = footer(client.get("/"))
    assert "Business hours (Seoul time)" in shown
    assert "<li>Mon–Fri 09:00–12:00, 13:00–18:00</li>" in shown
    assert "<li>Sat 10:00–13:00</li>" in shown
    # The saved times come back into the form.
    assert 'value="13:00"' in text(client.get(PAGE))


def test_the_footer_shows_the_week_in_korean(client, post, seoul, merchant):
    assert post(PAGE, week_form(), token_from=PAGE).status_code == 303
    shown = footer(client.get("/", headers=KO))
    assert "<li>월–금 09:00–12:00, 13:00–18:00</li>" in shown
    assert "<li>토 10:00–13:00</li>" in shown
    assert "영업시간 (서울 시간)" in shown


def test_a_shop_without_hours_shows_no_week(client, seoul):
    assert "Business hours" not in footer(client.get("/"))


def test_changed_hours_show_on_the_next_request_despite_the_page_cache(app, client, post, seoul,
                                                                       merchant):
    """A visitor's cached home page shows the new week as soon as the merchant saves it."""
    assert post(PAGE, week_form(), token_from=PAGE).status_code == 303
    visitor = app.test_client()
    assert "Sat 10:00–13:00" in footer(visitor.get("/"))
    assert "Sat 10:00–13:00" in footer(visitor.get("/"))  # kept by the page cache
    assert post(PAGE, week_form(d5_0_opens="", d5_0_closes=""), token_from=PAGE).status_code == 303
    shown = footer(visitor.get("/"))
    assert "Sat" not in shown and "Mon–Fri 09:00–12:00, 13:00–18:00" in shown


@pytest.mark.parametrize("changes, field, message", [
    ({"d0_0_opens": "9h"}, "d0_0_opens", "Enter a time like 09:00, on the 24-hour clock."),
    ({"d0_0_closes": "25:00"}, "d0_0_closes", "Enter a time like 18:00, on the 24-hour clock."),
    ({"d0_0_opens": "24:00"}, "d0_0_opens", "Enter a time like 09:00, on the 24-hour clock."),
    ({"d0_0_closes": "08:00"}, "d0_0_closes",
     "The closing time must be after the opening time (09:00)."),
    ({"d0_1_opens": "11:00"}, "d0_1_closes",
     "This opening overlaps the other one of the day, which runs until 12:00."),
    ({"d2_1_closes": ""}, "d2_1_closes", "Enter the closing time too, or clear both times."),
    ({"d6_0_closes": "12:00"}, "d6_0_opens", "Enter the opening time too, or clear both times."),
])
def test_a_wrong_week_is_refused_with_its_message_and_nothing_saved(client, post, seoul, merchant,
                                                                    app, changes, field, message):
    assert post(PAGE, week_form(), token_from=PAGE).status_code == 303
    before = stored(app)
    response = post(PAGE, week_form(**changes), token_from=PAGE)
    assert response.status_code == 422
    html = text(response)
    assert f'id="{field}-error" role="alert">{message}</p>' in html
    assert "Nothing was saved yet" in html
    assert stored(app) == before


def test_a_day_open_until_midnight_is_saved_as_24_00(client, post, seoul, merchant, app):
    """A time picker has no 24:00: a closing time of 00:00 is midnight at the end of the day."""
    response = post(PAGE, week_form(d4_1_opens="19:00", d4_1_closes="00:00", d4_0_closes="18:00"),
                    token_from=PAGE)
    assert response.status_code == 303
    assert (4, 1140, 1440) in stored(app)["hours"]
    assert "Fri 09:00–18:00, 19:00–24:00" in footer(client.get("/"))


def test_holidays_are_added_listed_upcoming_first_and_deleted(client, post, seoul, merchant, app):
    for day, label in (("2026-05-05", "Children's Day"), ("2026-03-09", "")):
        response = post(f"{PAGE}/holidays", {"day": day, "label": label}, token_from=PAGE)
        assert response.status_code == 303
    assert stored(app)["holidays"] == [(date(2026, 3, 9), ""), (date(2026, 5, 5), "Children's Day")]
    html = text(client.get(PAGE))
    assert html.index("Mar 9, 2026") < html.index("May 5, 2026 · Children&#39;s Day")
    with app.app_context():
        holiday_id = db.session.scalar(db.select(Holiday.id).where(Holiday.day == date(2026, 3, 9)))
    assert post(f"{PAGE}/holidays/{holiday_id}/delete", token_from=PAGE).status_code == 303
    assert stored(app)["holidays"] == [(date(2026, 5, 5), "Children's Day")]


@pytest.mark.parametrize("day, label, field, message", [
    ("2026-05-05", "", "day", "That date is already a holiday."),
    ("2026-03-06", "", "day", "That date has already passed: enter a date from today on."),
    ("05/05/2026", "", "day", "Enter the date like 2026-12-25."),
    ("2026-02-30", "", "day", "Enter the date like 2026-12-25."),
    ("", "", "day", "Enter the date like 2026-12-25."),
    ("2026-06-06", "x" * 121, "label", "Please keep this to 120 characters."),
])
def test_a_wrong_holiday_is_refused_with_its_message(client, post, seoul, merchant, app, day,
                                                     label, field, message):
    assert post(f"{PAGE}/holidays", {"day": "2026-05-05", "label": "Children's Day"},
                token_from=PAGE).status_code == 303
    before = stored(app)
    response = post(f"{PAGE}/holidays", {"day": day, "label": label}, token_from=PAGE)
    assert response.status_code == 422
    assert f'id="{field}-error" role="alert">{message}</p>' in text(response)
    assert stored(app) == before


def test_reply_times_are_saved(client, post, seoul, merchant, app):
    response = post(f"{PAGE}/replies", {"target_minutes": "90", "closed_target_minutes": "30",
                                        "reopen_days": "7"}, token_from=PAGE)
    assert response.status_code == 303
    assert stored(app)["targets"] == (90, 30, 7)


@pytest.mark.parametrize("field, value, message", [
    ("target_minutes", "-5", "Enter a whole number of minutes from 1 to 10080."),
    ("target_minutes", "two hours", "Enter a whole number of minutes from 1 to 10080."),
    ("closed_target_minutes", "0", "Enter a whole number of minutes from 1 to 10080."),
    ("closed_target_minutes", "", "Enter a whole number of minutes from 1 to 10080."),
    ("reopen_days", "-1", "Enter a whole number of days from 0 to 365."),
    ("reopen_days", "400", "Enter a whole number of days from 0 to 365."),
])
def test_wrong_reply_times_are_refused_and_nothing_saved(client, post, seoul, merchant, app,
                                                          field, value, message):
    before = stored(app)
    data = {"target_minutes": "90", "closed_target_minutes": "30", "reopen_days": "7", field: value}
    response = post(f"{PAGE}/replies", data, token_from=PAGE)
    assert response.status_code == 422
    assert f'id="{field}-error" role="alert">{message}</p>' in text(response)
    assert stored(app) == before


def test_who_answers_is_saved_per_language(client, post, seoul, merchant, app):
    response = post(f"{PAGE}/persona", {"en_name": " Mina ", "en_greeting": "Hi, I'm Mina.",
                                        "ko_name": "미나", "ko_greeting": "안녕하세요, 미나입니다."},
                    token_from=PAGE)
    assert response.status_code == 303
    assert stored(app)["persona"] == {"en": {"name": "Mina", "greeting": "Hi, I'm Mina."},
                                      "ko": {"name": "미나", "greeting": "안녕하세요, 미나입니다."}}


@pytest.mark.parametrize("field, value, message", [
    ("en_name", "M" * 81, "Please keep this to 80 characters."),
    ("ko_greeting", "안" * 201, "Please keep this to 200 characters."),
])
def test_a_too_long_persona_is_refused_and_nothing_saved(client, post, seoul, merchant, app,
                                                         field, value, message):
    before = stored(app)
    response = post(f"{PAGE}/persona", {"en_name": "Mina", field: value}, token_from=PAGE)
    assert response.status_code == 422
    assert f'id="{field}-error" role="alert">{message}</p>' in text(response)
    assert stored(app) == before


@pytest.mark.parametrize("path, data", [
    (PAGE, week_form()),
    (f"{PAGE}/holidays", {"day": "2026-05-05"}),
    (f"{PAGE}/replies", {"target_minutes": "5", "closed_target_minutes": "5", "reopen_days": "1"}),
    (f"{PAGE}/persona", {"en_name": "Forged"}),
])
def test_a_post_without_the_csrf_token_is_refused(client, seoul, merchant, app, path, data):
    before = stored(app)
    assert client.post(path, data=data).status_code == 400
    assert stored(app) == before


def test_customers_get_403_and_change_nothing(client, post, seoul, make, login, app):
    login(make.user(email="shopper@example.com"))
    before = stored(app)
    assert client.get(PAGE).status_code == 403
    for path, data in ((PAGE, week_form()), (f"{PAGE}/holidays", {"day": "2026-05-05"}),
                       (f"{PAGE}/persona", {"en_name": "Hacked"})):
        assert post(path, data).status_code == 403
    assert stored(app) == before


def _promise(app, template, locale="en", when=SATURDAY):
    with app.test_request_context("/"):
        schedule = shopconfig.current().schedule
        with force_locale(locale):
            html = render_template(template, promise=hours.promise(schedule, when),
                                   schedule=schedule)
    return re.sub(r"\s+", " ", html).strip()


def test_the_promise_on_a_saturday_says_closed_now_and_open_monday(client, post, seoul, merchant,
                                                                    app):
    assert post(PAGE, week_form(), token_from=PAGE).status_code == 303
    html = _promise(app, "help/_reply_promise.html")
    assert "We usually reply within 2 hours during business hours." in html
    words = re.sub(r"<[^>]+>", "", html)
    assert "We are closed now and open Monday 09:00 (Seoul time)." in words
    # Monday 09:00 in Seoul, for the script that adds the visitor's own time.
    assert '<time datetime="2026-03-09T00:00+00:00" data-shop-zone="Asia/Seoul">Monday 09:00</time>' in html
    assert '<span class="your-time" hidden>That is <span data-local-time></span> your time.</span>' in html
    email = _promise(app, "emails/_reply_promise.txt")
    assert email == ("We usually reply within 2 hours during business hours. "
                     "We are closed now and open Monday 09:00 (Seoul time).")
    korean = re.sub(r"<[^>]+>", "", _promise(app, "emails/_reply_promise.html", "ko"))
    assert "영업시간 기준 보통 2시간 안에 답변드립니다." in korean
    assert "지금은 영업시간이 아니며 월요일 09:00 (서울 시간)에 문을 엽니다." in korean


def test_the_promise_while_open_and_for_a_shop_without_hours(client, post, seoul, merchant, app):
    """Open: no "closed now"; no hours at all: the target on the plain clock."""
    assert post(f"{PAGE}/replies", {"target_minutes": "90", "closed_target_minutes": "30",
                                    "reopen_days": "7"}, token_from=PAGE).status_code == 303
    assert _promise(app, "help/_reply_promise.html") == (
        '<p class="reply-promise">We usually reply within 1 hour 30 minutes.</p>')
    assert post(PAGE, week_form(), token_from=PAGE).status_code == 303
    monday = SATURDAY + timedelta(days=2)  # 15:00 on Monday in Seoul
    html = _promise(app, "help/_reply_promise.html", when=monday)
    assert "during business hours." in html and "closed" not in html


@pytest.mark.parametrize("minutes, english, korean", [
    (120, "2 hours", "2시간"), (90, "1 hour 30 minutes", "1시간 30분"), (30, "30 minutes", "30분"),
    (60, "1 hour", "1시간"), (1, "1 minute", "1분"),
])
def test_reply_targets_in_words(app, minutes, english, korean):
    from blueprints.templating import duration_words
    with app.test_request_context("/"):
        assert duration_words(minutes) == english
        with force_locale("ko"):
            assert duration_words(minutes) == korean


def test_the_demo_shop_has_hours_a_holiday_and_mina(app, demo_shop, client):
    with app.test_request_context("/"):
        config = shopconfig.current()
        assert hours.describe_week(config.schedule, "en") == [
            "Tue–Fri 11:00–13:00, 14:00–18:00", "Sat 11:00–16:00"]
        assert len(config.schedule.holidays) == 1
        assert min(config.schedule.holidays) > date.today() - timedelta(days=1)
        assert (config.schedule.target_minutes, config.schedule.closed_target_minutes) == (120, 60)
        assert config.persona["en"]["name"] == "Mina" and config.persona["ko"]["name"] == "미나"
    assert "<li>화–금 11:00–13:00, 14:00–18:00</li>" in footer(client.get("/", headers=KO))
