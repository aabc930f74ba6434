"""Who answers: the name and short greeting the shop signs its replies with, per language."""
from flask_babel import gettext as _


def persona(config, locale):
    """{"name", "greeting"} in `locale`. A name is a name in any language, so a missing one
    falls back to the main language's, then to the shop's name; a greeting is only shown in
    the language it was written in, otherwise a plain one in `locale`."""
    chosen = config.persona.get(locale) or {}
    main = config.persona.get(config.main_language) or {}
    name = (chosen.get("name") or main.get("name") or config.name or "").strip()
    greeting = (chosen.get("greeting") or "").strip()
    return {"name": name, "greeting": greeting or _("Hello! How can we help?")}
