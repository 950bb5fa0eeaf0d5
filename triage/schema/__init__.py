"""Classification schemes, the neutral attributes they are defined over, and translation.

Imports nothing else of Triage and no Qt (house rule). Typical use::

    from triage.schema import load_schemes
    schemes = load_schemes()                       # built-in + per-user files
    schemes.translate("sap-2002", "4", "uk-2014")  # Translation(result="exact", targets=("A",))
    schemes.translate_table("uk-2014", "vics-us")
    schemes.translate_attributes({"age": "under_12", ...}, "uk-2014")
"""

from .attributes import LANGUAGES, UNDETERMINED, Attribute, AttributeSpace, AttributeValue, Box
from .errors import SchemeError, TranslationError
from .registry import (
    SchemeRegistry,
    builtin_scheme_dir,
    check_scheme_file,
    default_registry,
    load_schemes,
    user_scheme_dir,
)
from .scheme import Category, Scheme, VicsMapping
from .translate import AMBIGUOUS, EXACT, NONE, Translation


def translate(source: str, code: str | int, target: str) -> Translation:
    """Translate one category with the default registry (see SchemeRegistry.translate)."""
    return default_registry().translate(source, code, target)


def translate_attributes(attributes, target: str, *, within=None) -> Translation:
    """Translate an item's attributes with the default registry."""
    return default_registry().translate_attributes(attributes, target, within=within)


__all__ = [
    "AMBIGUOUS", "EXACT", "LANGUAGES", "NONE", "UNDETERMINED",
    "Attribute", "AttributeSpace", "AttributeValue", "Box", "Category", "Scheme",
    "SchemeError", "SchemeRegistry", "Translation", "TranslationError", "VicsMapping",
    "builtin_scheme_dir", "check_scheme_file", "default_registry", "load_schemes",
    "translate", "translate_attributes", "user_scheme_dir",
]
