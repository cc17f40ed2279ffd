"""The reader's language and time zone: chosen, remembered, cached apart, and used."""

from datetime import UTC, datetime

import pytest

from clearinghouse import i18n
from tests.conftest import csrf_token

ISSUE = {"title": "Spam", "category": "internet_governance",
         "summary": "Unsolicited bulk messages.",
         "translations": {"fr": {"title": "Pourriel", "summary": "Messages non sollicités."},
                          "ar": {"title": "الرسائل المزعجة"}}}


def html_lang(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index("<html"):page.index(">", page.index("<html")) + 1]


@pytest.mark.parametrize(("header", "expected"), [
    ("fr-CA,fr;q=0.9,en;q=0.5", '<html lang="fr" dir="ltr">'),
    ("ar-LB", '<html lang="ar" dir="rtl">'),
    ("zh-CN,zh;q=0.9", '<html lang="zh" dir="ltr">'),
    ("de-DE,de;q=0.9", '<html lang="en" dir="ltr">'),  # not one of ours: English
    ("", '<html lang="en" dir="ltr">'),
])
def test_the_browser_language_chooses_the_interface_language(client, header, expected):
    assert html_lang(client.get("/", headers={"Accept-Language": header})) == expected


def test_the_switcher_remembers_a_choice_over_the_browser_language(client):
    response = client.get("/preferences?lang=ar&next=/issues")
    assert response.status_code == 302
    assert response.headers["Location"] == "/issues"
    page = client.get("/issues", headers={"Accept-Language": "fr"})
    assert html_lang(page) == '<html lang="ar" dir="rtl">'


def test_every_page_offers_every_language_in_its_own_name_without_script(client):
    page = client.get("/principles").get_data(as_text=True)
    for code, name in i18n.LANGUAGES.items():
        assert f'href="/preferences?lang={code}&amp;next=/principles" lang="{code}"' in page
        assert name in page
    assert "<script" not in page


@pytest.mark.parametrize("query", ["lang=xx", "lang=", "tz=Mars/Olympus", "tz=",
                                   "lang=fr&tz=Nowhere"])
def test_an_unknown_language_or_zone_is_refused_and_nothing_is_kept(client, query):
    response = client.get(f"/preferences?{query}")
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers


def test_the_way_back_never_leaves_the_site(client):
    response = client.get("/preferences?lang=fr&next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_cached_pages_are_kept_apart_by_language_and_zone(client):
    english = client.get("/principles", headers={"Accept-Language": "en"})
    french = client.get("/principles", headers={"Accept-Language": "fr"})
    assert french.headers["X-Cache"] == "miss"
    assert html_lang(french) == '<html lang="fr" dir="ltr">'
    assert english.headers["ETag"] != french.headers["ETag"]
    assert "Accept-Language" in french.headers["Vary"]
    assert "Cookie" in french.headers["Vary"]


@pytest.mark.parametrize(("language", "zone", "expected"), [
    ("en", "UTC", "Nov 21, 2026, 2:05\u202fPM GMT+00:00"),
    ("fr", "Europe/Paris", "21 nov. 2026, 15:05 UTC+01:00"),
    ("ar", "Asia/Beirut", "غرينتش+02:00"),
])
def test_moments_are_written_in_the_readers_language_and_zone(app, language, zone, expected):
    moment = datetime(2026, 11, 21, 14, 5, tzinfo=UTC)
    headers = {"Cookie": f"lang={language}; tz={zone}"}
    with app.test_request_context("/", headers=headers):
        written = i18n.format_datetime(moment)
    assert expected in written if language == "ar" else written == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "12,345"), ("fr", "12\u202f345"),
                                                    ("ru", "12\u00a0345")])
def test_numbers_are_grouped_the_readers_way(app, language, expected):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert i18n.number(12345) == expected


def test_country_names_come_in_the_readers_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert i18n.country_name("DE") == "Allemagne"
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        assert i18n.country_name("GH") == "加纳"


def test_a_record_carries_its_own_words_in_other_languages(client, token_for):
    editor = token_for("editor")
    created = client.post("/api/v1/issues", json=ISSUE, headers=editor)
    assert created.status_code == 201, created.json
    assert created.json["translations"]["fr"]["title"] == "Pourriel"
    patch = {"translations": {"es": {"title": "Correo basura"}}}
    changed = client.patch("/api/v1/issues/spam", json=patch, headers=editor)
    assert changed.json["translations"] == patch["translations"]
    history = client.get("/api/v1/issues/spam/history").json["items"][0]
    assert history["after"]["translations"] == patch["translations"]


def test_the_reader_sees_a_records_words_in_their_language_where_it_has_them(client, token_for):
    client.post("/api/v1/issues", json=ISSUE, headers=token_for("editor"))
    french = client.get("/issues/spam", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Pourriel" in french and "Messages non sollicités." in french
    arabic = client.get("/issues/spam", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "الرسائل المزعجة" in arabic
    assert "Unsolicited bulk messages." in arabic  # no Arabic summary: as written
    russian = client.get("/issues", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Spam" in russian


@pytest.mark.parametrize("translations", [
    {"xx": {"title": "?"}},  # not an interface language
    {"fr": {"headline": "Pourriel"}},  # not a translatable field
    {"fr": {"title": "x" * 201}},
    {"fr": {"title": ""}},
    {"fr": "Pourriel"},
    ["fr", "Pourriel"],
])
def test_bad_translations_are_refused_and_nothing_is_written(client, token_for, translations):
    editor = token_for("editor")
    response = client.post("/api/v1/issues", json={**ISSUE, "translations": translations},
                           headers=editor)
    assert response.status_code == 422
    assert "translations" in str(response.json["errors"])
    assert client.get("/api/v1/issues").json["total"] == 0


def test_a_process_carries_its_name_and_aim_in_other_languages(client, token_for):
    process = {"name": "Forum on spam", "aim": "To agree on rules.",
               "translations": {"ru": {"name": "Форум о спаме", "aim": "Согласовать правила."}}}
    created = client.post("/api/v1/processes", json=process, headers=token_for("editor"))
    assert created.status_code == 201, created.json
    page = client.get(created.json["links"]["html"], headers={"Accept-Language": "ru"})
    assert "Форум о спаме" in page.get_data(as_text=True)


def test_staff_give_a_records_words_in_other_languages_through_its_form(client, login):
    login("editor")
    token = csrf_token(client, "/issues/new")
    form = {"csrf_token": token, "title": "Spam", "category": "internet_governance",
            "priority": "medium", "controversy": "medium",
            "translations-fr-title": "Pourriel", "translations-zh-summary": "垃圾邮件。"}
    assert client.post("/issues/new", data=form).status_code == 303
    edit = client.get("/issues/spam/edit").get_data(as_text=True)
    assert 'name="translations-fr-title" value="Pourriel" lang="fr"' in edit
    assert "<details class=\"field\" id=\"translations\" open>" in edit
    french = client.get("/issues/spam", headers={"Accept-Language": "fr"})
    assert "<h1 dir=\"auto\">Pourriel</h1>" in french.get_data(as_text=True)


def test_a_bad_translation_in_the_form_is_shown_beside_the_field(client, login):
    login("editor")
    form = {"csrf_token": csrf_token(client, "/issues/new"), "title": "Spam",
            "category": "internet_governance", "priority": "medium", "controversy": "medium",
            "translations-fr-title": "x" * 201}
    response = client.post("/issues/new", data=form)
    assert response.status_code == 422
    assert "In other languages" in response.get_data(as_text=True)
    assert client.get("/api/v1/issues").json["total"] == 0


def field_errors(response) -> list[str]:
    page = response.get_data(as_text=True)
    return [line.split("</strong>", 1)[1].removesuffix("</p>").strip()
            for line in page.splitlines() if 'class="field-error"' in line]


def test_what_to_fix_in_a_form_is_said_in_the_readers_language(client, login):
    login("editor")
    form = {"csrf_token": csrf_token(client, "/issues/new"), "title": "Spam",
            "slug": "Bad Slug", "category": "internet_governance", "priority": "medium",
            "controversy": "medium", "aspects": "x" * 5}
    english = field_errors(client.post("/issues/new", data=form))
    french = field_errors(client.post("/issues/new", data=form,
                                      headers={"Accept-Language": "fr"}))
    assert english == ["&#39;Bad Slug&#39; is not a slug: use lower-case letters, digits and "
                       "single hyphens."]
    assert len(french) == 1 and "Bad Slug" in french[0] and "slug:" not in french[0]
    assert client.get("/api/v1/issues").json["total"] == 0


def test_the_validation_librarys_own_messages_are_translated_too(client, token_for):
    sent, editor = {**ISSUE, "title": 42}, token_for("editor")
    english = client.post("/api/v1/issues", json=sent, headers=editor)
    russian = client.post("/api/v1/issues", json=sent, headers={**editor, "Accept-Language": "ru"})
    assert english.status_code == russian.status_code == 422
    assert english.json["errors"]["title"] == ["Not a valid string."]
    assert russian.json["errors"]["title"] not in (["Not a valid string."], [""])


def test_limits_on_lists_and_numbers_are_said_in_the_readers_language(client, token_for):
    editor = token_for("editor")
    sent = {**ISSUE, "aspects": ["one"] * 1000}
    english = client.post("/api/v1/issues", json=sent, headers=editor)
    spanish = client.post("/api/v1/issues", json=sent, headers={**editor, "Accept-Language": "es"})
    assert english.json["errors"]["aspects"] == ["Give at most 20."]
    assert spanish.json["errors"]["aspects"] not in (["Give at most 20."], [""])
