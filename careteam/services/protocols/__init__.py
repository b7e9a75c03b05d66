"""Protocol templates: the built-in ones (package data), those clinicians saved, applying one to
a patient's record, and saving a patient's plan as a new template. Only clinicians use templates
(policy.may_use_protocol_templates).

The library and who may use it (library), previewing and applying a template (applying), and
saving a patient's plan as one (saving). Callers import from here.
"""

from careteam.services.protocols.applying import REASON_LENGTH, Applied, EarlierApply, Preview, apply, preview
from careteam.services.protocols.library import (
    PACKAGE_DIRECTORY,
    PROTOCOL,
    CurrentPlan,
    PatientTemplates,
    Refusal,
    TemplateInfo,
    builtin_templates,
    get_template,
    list_templates,
    load_builtins,
    patient_templates,
    templates_for_patient,
)
from careteam.services.protocols.saving import SLUG_ATTEMPTS, Selection, save_as_template

__all__ = [
    "PACKAGE_DIRECTORY", "PROTOCOL", "REASON_LENGTH", "SLUG_ATTEMPTS", "Applied", "CurrentPlan", "EarlierApply",
    "PatientTemplates", "Preview", "Refusal", "Selection", "TemplateInfo", "apply", "builtin_templates",
    "get_template", "list_templates", "load_builtins", "patient_templates", "preview", "save_as_template",
    "templates_for_patient",
]
