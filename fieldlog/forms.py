"""The base of every form, and the messages of the input rules in ``textcheck``.

``Form`` gives each field of every form the rules once, when the field is bound: no
invisible control characters in anything typed (every field, selects and hidden ones
included, since a crafted post can put anything there), dates written ``YYYY-MM-DD`` and
decimals that are numbers. Services, the API and the roster import use ``text_errors`` and
``check_text`` for text that does not come through a form.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, Field
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation, ValidationError

from fieldlog import textcheck
from fieldlog.errors import FieldErrors

CONTROL_CHARACTERS = _l(
    "This cannot contain invisible control characters. Please delete them and save again."
)
DATE_FORMAT = _l("Enter a date as YYYY-MM-DD.")
NOT_A_NUMBER = _l("Enter a number, e.g. 2.5.")


def text_problem(value: Any) -> str | None:
    """The message for text that breaks the rule, else None (other values pass)."""
    if isinstance(value, str) and not textcheck.is_clean(value):
        return str(CONTROL_CHARACTERS)
    return None


def text_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field errors for each value of ``values`` that breaks the rule."""
    return {name: [m] for name, value in values.items() if (m := text_problem(value))}


def check_text(**values: Any) -> None:
    """Raise ``FieldErrors`` naming each of the keyword values that breaks the rule."""
    errors = text_errors(values)
    if errors:
        raise FieldErrors(errors)


def plain_text(_form: Any, field: Field) -> None:
    """Validator: no control characters in what was posted for the field. It stops the
    field's other checks: ``Optional`` would take a lone vertical tab for an empty field."""
    for raw in field.raw_data or ():
        if text_problem(raw):
            raise StopValidation(str(CONTROL_CHARACTERS))


def strict_date(_form: Any, field: Field) -> None:
    """Validator: a date written ``YYYY-MM-DD`` (WTForms' own parsing takes ``2026-3-1``);
    any date that is not says so with this one message, instead of WTForms' own."""
    raw = (field.raw_data or [""])[0]
    if raw and textcheck.iso_date(raw.strip()) is None:
        field.process_errors = []
        field.errors.clear()
        raise ValidationError(str(DATE_FORMAT))


def finite_number(_form: Any, field: Field) -> None:
    """Validator: a decimal that is a number (``Decimal`` also reads NaN and Infinity)."""
    if isinstance(field.data, Decimal) and not field.data.is_finite():
        raise ValidationError(str(NOT_A_NUMBER))


def _rules(field: Field) -> list[Any]:
    rules: list[Any] = [plain_text]
    if isinstance(field, DateField):
        rules.append(strict_date)
    if isinstance(field, DecimalField):
        rules.append(finite_number)
    return rules


@cache
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages in the request's language, each catalogue read once per process.
    Flask-WTF's ``translations`` reads the catalogue file again in every request that builds a
    form (a few milliseconds of each log form)."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WTFormsTranslations()


class Form(FlaskForm):
    """``FlaskForm`` with the input rules on every field, ahead of the field's own."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return None
            return WTFORMS_TRANSLATIONS

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
            field.validators = [*_rules(field), *field.validators]
            return field
