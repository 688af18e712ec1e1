"""Template filters for GOV.UK Frontend markup and UK number and date formats.

`{% load govuk %}` gives:

- form fields: `govuk_widget` (the widget with GOV.UK classes and `aria-describedby`),
  `govuk_widget_kind`, `govuk_describedby`, `govuk_error_list` (for the error summary);
- django-tables2 cells: `govuk_attrs`, `govuk_th_attrs`, `govuk_td_attrs`;
- values: `uk_number` and `uk_date`.

Hint and error ids follow GOV.UK Frontend: `<field id>-hint` and `<field id>-error`.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from scorecard import figures

register = template.Library()

# GOV.UK class for each kind of widget, and its error modifier.
_WIDGET_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
}

# Keys of a django-tables2 AttributeDict that are not HTML attributes.
_NOT_HTML_ATTRIBUTES = frozenset({"th", "td", "tf", "_ordering", "thead", "tbody", "tfoot", "cell"})
# Class tokens a column can use to say it holds numbers.
_NUMERIC_MARKERS = frozenset(
    {"numeric", "govuk-table__cell--numeric", "govuk-table__header--numeric"}
)


# ---------------------------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------------------------


@register.filter
def govuk_widget_kind(bound_field: BoundField) -> str:
    """How the field template lays the field out: hidden, checkbox, checkboxes, radios, select,
    textarea, file or input."""
    widget = bound_field.field.widget
    if widget.is_hidden:
        return "hidden"
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


@register.filter
def govuk_describedby(bound_field: BoundField) -> str:
    """The ids of the field's hint and error message (those that are shown), space separated,
    after any `aria-describedby` the form itself gave the widget."""
    ids = []
    own = bound_field.field.widget.attrs.get("aria-describedby")
    if own:
        ids.append(str(own))
    if bound_field.auto_id:
        if bound_field.help_text:
            ids.append(f"{bound_field.auto_id}-hint")
        if bound_field.errors:
            ids.append(f"{bound_field.auto_id}-error")
    return " ".join(ids)


@register.filter
def govuk_widget(bound_field: BoundField) -> SafeString:
    """Render a field's widget as GOV.UK Frontend markup.

    Text inputs, selects, textareas and file inputs get their GOV.UK class (and its error
    modifier) plus `aria-describedby`; any class the form set on the widget is kept. Radios and
    multiple checkboxes become a `govuk-radios` / `govuk-checkboxes` block of items (the field
    template wraps them in a fieldset that carries `aria-describedby`). A single checkbox
    becomes one `govuk-checkboxes` item holding the field's label and hint.
    """
    kind = govuk_widget_kind(bound_field)
    if kind == "hidden":
        return mark_safe(str(bound_field))  # noqa: S308 - Django rendered and escaped it
    if kind in ("radios", "checkboxes"):
        return _choice_items(bound_field, kind)
    if kind == "checkbox":
        return _single_checkbox(bound_field)

    base, error = _WIDGET_CLASSES[kind]
    classes = [base]
    if bound_field.errors:
        classes.append(error)
    attrs: dict[str, str | bool] = {
        "class": _join_classes(classes, bound_field.field.widget.attrs.get("class"))
    }
    describedby = govuk_describedby(bound_field)
    if describedby:
        attrs["aria-describedby"] = describedby
    return bound_field.as_widget(attrs=attrs)


def _choice_items(bound_field: BoundField, kind: str) -> SafeString:
    """The items of radios or checkboxes; a widget's `choice_hints` ({value: text}) gives an
    item a hint under its label, which the input's aria-describedby names."""
    block = "govuk-checkboxes" if kind == "checkboxes" else "govuk-radios"
    # A class on the widget (say "govuk-radios--inline") styles the block, not each input.
    container = _join_classes([block], bound_field.field.widget.attrs.get("class"))
    hints = getattr(bound_field.field.widget, "choice_hints", {})
    items = []
    for option in bound_field.subwidgets:
        option_id = option.id_for_label
        hint_text = hints.get(str(option.data["value"]))
        attrs = {**option.data["attrs"], "class": f"{block}__input"}
        if hint_text and option_id:
            attrs["aria-describedby"] = f"{option_id}-hint"
        data = {**option.data, "attrs": attrs}
        tag = BoundWidget(option.parent_widget, data, option.renderer).tag(wrap_label=False)
        hint = (
            format_html(
                '<div class="govuk-hint {}__hint" id="{}-hint">{}</div>',
                block,
                option_id,
                hint_text,
            )
            if hint_text and option_id
            else ""
        )
        items.append(
            format_html(
                '<div class="{}__item">{}<label class="govuk-label {}__label"{}>{}</label>{}</div>',
                block,
                tag,
                block,
                format_html(' for="{}"', option_id) if option_id else "",
                option.choice_label,
                hint,
            )
        )
    return format_html(
        '<div class="{}" data-module="{}">{}</div>',
        container,
        block,
        mark_safe("".join(items)),  # noqa: S308 - each item was built with format_html
    )


def _single_checkbox(bound_field: BoundField) -> SafeString:
    attrs: dict[str, str | bool] = {
        "class": _join_classes(
            ["govuk-checkboxes__input"], bound_field.field.widget.attrs.get("class")
        )
    }
    describedby = govuk_describedby(bound_field)
    if describedby:
        attrs["aria-describedby"] = describedby
    field_id = bound_field.id_for_label
    hint = ""
    if bound_field.help_text:
        hint = format_html(
            '<div class="govuk-hint govuk-checkboxes__hint"{}>{}</div>',
            format_html(' id="{}-hint"', bound_field.auto_id) if bound_field.auto_id else "",
            # Help text is trusted HTML, as in Django's own form templates.
            mark_safe(bound_field.help_text),  # noqa: S308
        )
    return format_html(
        '<div class="govuk-checkboxes" data-module="govuk-checkboxes">'
        '<div class="govuk-checkboxes__item">{}'
        '<label class="govuk-label govuk-checkboxes__label"{}>{}</label>{}'
        "</div></div>",
        bound_field.as_widget(attrs=attrs),
        format_html(' for="{}"', field_id) if field_id else "",
        bound_field.label,
        hint,
    )


@register.filter
def govuk_error_list(form: forms.BaseForm) -> list[dict[str, str]]:
    """The form's errors for a GOV.UK error summary: `[{"text": ..., "href": "#id"}]`.

    Each field error links to its field (the first input of radios, checkboxes and multi-part
    widgets). Errors that belong to no visible field link to the first visible field, where the
    user starts putting them right; `href` is empty when the form has no visible field.
    """
    visible = [bf for bf in form if not bf.is_hidden]
    first_anchor = _anchor(visible[0]) if visible else ""
    items = [{"text": str(error), "href": first_anchor} for error in form.non_field_errors()]
    for bound_field in form:
        anchor = first_anchor if bound_field.is_hidden else _anchor(bound_field)
        items.extend({"text": str(error), "href": anchor} for error in bound_field.errors)
    return items


def _anchor(bound_field: BoundField) -> str:
    # Radios, multiple checkboxes and multi-part widgets have no single id for a label; their
    # first input's id is the field id plus "_0".
    field_id = bound_field.id_for_label or (
        f"{bound_field.auto_id}_0" if bound_field.auto_id else ""
    )
    return f"#{field_id}" if field_id else ""


def _join_classes(classes: Iterable[str], extra: object = None) -> str:
    tokens = list(classes)
    for token in str(extra or "").split():
        if token not in tokens:
            tokens.append(token)
    return " ".join(tokens)


# ---------------------------------------------------------------------------------------------
# django-tables2
# ---------------------------------------------------------------------------------------------


@register.filter
def govuk_attrs(attrs: Mapping[str, Any] | None, base_classes: str = "") -> SafeString:
    """Render HTML attributes, adding `base_classes` in front of any class already there.

    `{{ table.attrs|govuk_attrs:"govuk-table" }}` keeps a table's own `id` and classes.
    django-tables2's nested keys (`th`, `td`, `thead`, ...) are skipped.
    """
    return _render_attrs(attrs, base_classes.split())


@register.filter
def govuk_th_attrs(column: Any) -> SafeString:
    """Attributes of a django-tables2 column's `<th>`, with GOV.UK classes and `aria-sort`.

    A column is numeric (right aligned, tabular figures) when its `th`, `td` or `cell` attrs
    have the class `numeric`, `govuk-table__cell--numeric` or `govuk-table__header--numeric`.
    """
    attrs = column.attrs
    classes = ["govuk-table__header"]
    if _is_numeric(attrs):
        classes.append("govuk-table__header--numeric")
    extra = {"scope": "col"}
    if getattr(column, "is_ordered", False):
        descending = column.order_by_alias.is_descending
        extra["aria-sort"] = "descending" if descending else "ascending"
    return _render_attrs({**extra, **dict(attrs["th"])}, classes)


@register.filter
def govuk_td_attrs(column: Any) -> SafeString:
    """Attributes of a django-tables2 column's `<td>` with GOV.UK classes (see govuk_th_attrs)."""
    attrs = column.attrs
    classes = ["govuk-table__cell"]
    if _is_numeric(attrs):
        classes.append("govuk-table__cell--numeric")
    return _render_attrs(attrs["td"], classes)


def _is_numeric(column_attrs: Mapping[str, Any]) -> bool:
    for key in ("th", "td", "cell"):
        part = column_attrs.get(key) or {}
        value = part.get("class") if isinstance(part, Mapping) else None
        if callable(value):
            value = value()
        if _NUMERIC_MARKERS.intersection(str(value or "").split()):
            return True
    return False


def _render_attrs(attrs: Mapping[str, Any] | None, base_classes: list[str]) -> SafeString:
    items: dict[str, Any] = {}
    if isinstance(attrs, Mapping):
        for key, value in attrs.items():
            if key in _NOT_HTML_ATTRIBUTES:
                continue
            value = value() if callable(value) else value
            if value is None or value is False:
                continue
            items[key] = value
    classes = _join_classes(base_classes, items.pop("class", None))
    if classes:
        items = {"class": classes, **items}
    return format_html_join(
        " ",
        "{}",
        (
            (format_html("{}", key) if value is True else format_html('{}="{}"', key, value),)
            for key, value in items.items()
        ),
    )


# ---------------------------------------------------------------------------------------------
# Numbers and dates
# ---------------------------------------------------------------------------------------------


# Thin wrappers: the rules live in scorecard.figures, which services and exports use directly.
register.filter("uk_number", figures.uk_number)
register.filter("uk_date", figures.uk_date)
