"""Light pages (issue 12, item 1): per-request work done once instead — translations looked up
once per request and language, WTForms' catalogue and the page scripts' texts read once per
language and process — with the same results in every language."""

from __future__ import annotations

import json
import re

from flask import render_template_string
from flask_babel import force_locale

from fieldlog import forms, offline
from tests.conftest import csrf_from

CONFIG_RE = re.compile(r'<script type="application/json" id="fieldlog-config">(.*?)</script>', re.S)


def page_config(html: str) -> dict:
    return json.loads(CONFIG_RE.search(html).group(1))


def test_page_script_texts_follow_the_language(client, auth, world):
    auth.login("member")
    html = client.get("/").get_data(as_text=True)
    assert page_config(html)["text"]["waiting"] == "待发送"
    client.post("/auth/locale", data={"csrf_token": csrf_from(html), "locale": "en", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    config = page_config(html)
    assert config["text"]["waiting"] == "Waiting to send"
    assert config["fields"]["women_count"] == "Women reached"
    assert config["account"] == world["member"].id and config["member"] is True
    client.post("/auth/locale", data={"csrf_token": csrf_from(html), "locale": "zh_Hans_CN"})
    assert page_config(client.get("/").get_data(as_text=True))["text"]["waiting"] == "待发送"
    assert {"en", "zh_Hans_CN"} <= set(offline._SHARED)
    # A visitor's page has no account, whatever was cached for a member's.
    client.post("/auth/logout", data={"csrf_token": csrf_from(html)})
    config = page_config(client.get("/auth/login").get_data(as_text=True))
    assert config["account"] is None and config["member"] is False


def test_template_translations_follow_a_forced_locale(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Save') }}") == "保存"
        with force_locale("en"):
            assert render_template_string("{{ _('Save') }}") == "Save"
        assert render_template_string("{{ _('Save') }}") == "保存"


def test_wtforms_messages_are_translated_and_read_once(app, client, auth, world):
    required = "This field is required."
    with app.test_request_context("/"):
        chinese = forms.WTFORMS_TRANSLATIONS.gettext(required)
        with force_locale("en"):
            assert forms.WTFORMS_TRANSLATIONS.gettext(required) == required
    assert chinese != required and "必" in chinese  # WTForms' own Chinese catalogue
    auth.login("member")
    client.get("/logs/new/contact")
    read = forms._wtforms_catalogue.cache_info().misses
    for _ in range(3):
        assert client.get("/logs/new/contact").status_code == 200
    assert forms._wtforms_catalogue.cache_info().misses == read
