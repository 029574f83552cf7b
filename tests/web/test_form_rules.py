"""The base form puts the input rules on every field of every form, ahead of its own."""

from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Optional

from fieldlog.forms import Form


class Sample(Form):
    class Meta:
        csrf = False

    name = StringField(validators=[Optional()])
    secret = HiddenField()
    kind = SelectField(
        choices=[SelectChoice("a", "A")], validate_choice=False, validators=[Optional()]
    )
    day = DateField(validators=[Optional()])
    hours = DecimalField(validators=[Optional()])
    count = IntegerField(validators=[Optional()])


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _errors(**data) -> dict:
    form = Sample(formdata=MultiDict(data))
    form.validate()
    return form.errors


def test_clean_input_passes(ctx):
    assert _errors(name="王芳\n李娜", secret="x", kind="a", day="2026-03-01", hours="2.5") == {}


@pytest.mark.parametrize("field", ["name", "secret", "kind", "count"])
@pytest.mark.parametrize("bad", ["\x0b", "\x00", "\x1b", "\x85", "a\rb"])
def test_every_field_refuses_control_characters(ctx, field, bad):
    errors = _errors(**{field: f"1{bad}"})
    assert "这里不能有看不见的控制字符，请删掉后再保存。" in errors[field]


def test_a_lone_vertical_tab_is_not_taken_for_an_empty_field(ctx):
    assert "name" in _errors(name="\x0b")


@pytest.mark.parametrize("day", ["2026-3-1", "20260301", "2026/03/01", "2026-02-30"])
def test_dates_are_written_yyyy_mm_dd_with_one_message(ctx, day):
    assert _errors(day=day)["day"] == ["请按“年-月-日”填写日期，如 2026-03-01。"]


@pytest.mark.parametrize("hours", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_decimals_are_numbers(ctx, hours):
    assert _errors(hours=hours)["hours"] == ["请填写数字，例如 2.5。"]


def test_a_finite_decimal_passes(ctx):
    form = Sample(formdata=MultiDict({"hours": "1e-320"}))
    assert form.validate() and form.hours.data == Decimal("1e-320")
