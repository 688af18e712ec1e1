"""The form renderer that gives every Django form GOV.UK Frontend markup.

Set `FORM_RENDERER = "portal.renderers.GovukFormRenderer"`. It renders through the project's
TEMPLATES setting, so Django's own widget templates must be findable too: keep "django.forms" in
INSTALLED_APPS (with APP_DIRS on).
"""

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
