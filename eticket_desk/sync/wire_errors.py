"""French messages for a refused request: "ops[2].payload.amount_cents : nombre entier
attendu", from pydantic's errors (the desk shows them, the server answers them in a 422)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from eticket_desk.sync.wire import OpType

# ---------------------------------------------------------------- French errors

_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "uuid_parsing": "identifiant (UUID) invalide",
    "uuid_type": "identifiant (UUID) invalide",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu (les montants sont en centimes)",
    "bool_type": "vrai ou faux attendu",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "date_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_type": "date invalide (AAAA-MM-JJ attendu)",
    "datetime_parsing": "date et heure invalides (AAAA-MM-JJTHH:MM:SS attendu)",
    "datetime_from_date_parsing": "date et heure invalides (AAAA-MM-JJTHH:MM:SS attendu)",
    "datetime_type": "date et heure invalides (AAAA-MM-JJTHH:MM:SS attendu)",
    "time_parsing": "heure invalide (HH:MM attendu)",
    "time_type": "heure invalide (HH:MM attendu)",
    "json_invalid": "JSON illisible",
    "union_tag_invalid": "type d'opération inconnu",
    "union_tag_not_found": "le type de l'opération manque",
    "string_pattern_mismatch": "format non reconnu",
    "enum": "valeur non permise",
    "literal_error": "valeur non permise",
}


def _where(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("body",) and not parts:
            continue
        elif item in tuple(t.value for t in OpType):
            continue  # the discriminated union's tag adds nothing for a reader
        else:
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts) or "requête"


def _message(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤"}
        limit = next(iter(ctx.values()), "?")
        return f"doit être {sign.get(kind, '<')} {limit}"
    if kind in ("string_too_short", "too_short"):
        return f"trop court (au moins {ctx.get('min_length', '?')})"
    if kind in ("string_too_long", "too_long"):
        return f"trop long (au plus {ctx.get('max_length', '?')})"
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])  # the protocol's own checks speak French
    if kind == "union_tag_invalid":
        return f"type d'opération inconnu « {ctx.get('tag', '?')} »"
    if kind in ("enum", "literal_error") and ctx.get("expected"):
        expected = str(ctx["expected"]).replace(" or ", " ou ")
        return f"{_MESSAGES[kind]} (attendu : {expected})"
    return _MESSAGES.get(kind, "valeur invalide")


def french_errors(errors: list[dict[str, Any]] | ValidationError) -> list[str]:
    """ "ops[2].payload.amount_cents : nombre entier attendu" for each error."""
    if isinstance(errors, ValidationError):
        errors = errors.errors()
    return [f"{_where(tuple(e.get('loc', ())))} : {_message(e)}" for e in errors]
