"""Evaluating CLASSIC segment groups against one profile: plain functions over plain data.

Everything a segment reads arrives through :class:`Context`: the profile's fields, a way
to get a calculated attribute's value, and a way to ask whether the profile is in another
segment (for SourceSegments). Evaluating one profile never looks at any other profile,
so membership checks cost the same however large the domain is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .compare import combine, compiled_comparison, matches

ADDRESS_DIMENSIONS = ("Address", "ShippingAddress", "MailingAddress", "BillingAddress")
#: Free-text dimensions that fall back to their enum twin when only that is set [inference].
TEXT_FALLBACKS = {"GenderString": "Gender", "PartyTypeString": "PartyType"}
_DYNAMIC = re.compile(r"^\{\{\s*(_profile|_calculated_attribute)\.([^{}]+?)\s*\}\}$")


@dataclass
class Context:
    fields: dict[str, Any]
    calculated: Callable[[str, dict[str, Any] | None], str | None]
    in_segment: Callable[[str], bool]

    def field(self, path: str) -> str | None:
        """``FirstName``, ``Address.City``, ``Attributes.tier``: the profile's value."""
        head, _, rest = path.partition(".")
        value = self.fields.get(head)
        if rest:
            value = value.get(rest) if isinstance(value, dict) else None
        if value is None and head in TEXT_FALLBACKS and not rest:
            value = self.fields.get(TEXT_FALLBACKS[head])
        if value is None and head == "ProfileType":
            value = "PROFILE"  # a profile is a PROFILE unless it says otherwise [inference]
        return value if isinstance(value, str) else None

    def resolve(self, values: list[str]) -> list[str]:
        """Dimension values with ``{{_profile.X}}`` / ``{{_calculated_attribute.Y}}`` filled in."""
        resolved = []
        for value in values:
            dynamic = _DYNAMIC.match(value)
            if dynamic is None:
                resolved.append(value)
                continue
            root, name = dynamic.groups()
            found = self.field(name) if root == "_profile" else self.calculated(name, None)
            if found is not None:
                resolved.append(found)
        return resolved


def _rule(context: Context, actual: str | None, rule: dict[str, Any]) -> bool:
    return matches(rule["DimensionType"], actual, context.resolve(rule["Values"]))


def profile_attributes_match(spec: dict[str, Any], context: Context) -> bool:
    """Every attribute named in one ProfileAttributes dimension must match."""
    for name, rule in spec.items():
        if name in ADDRESS_DIMENSIONS:
            for sub, sub_rule in rule.items():
                if not _rule(context, context.field(f"{name}.{sub}"), sub_rule):
                    return False
        elif name == "Attributes":
            for attribute, attribute_rule in rule.items():
                if not _rule(context, context.field(f"Attributes.{attribute}"), attribute_rule):
                    return False
        elif not _rule(context, context.field(name), rule):
            return False
    return True


def dimension_matches(dimension: dict[str, Any], context: Context) -> bool:
    if not profile_attributes_match(dimension.get("ProfileAttributes") or {}, context):
        return False
    for name, rule in (dimension.get("CalculatedAttributes") or {}).items():
        value = context.calculated(name, rule.get("ConditionOverrides"))
        if not _rule(context, value, rule):
            return False
    return True


def group_matches(group: dict[str, Any], context: Context) -> bool:
    sources = group.get("SourceSegments") or []
    if sources:
        found = [context.in_segment(s["SegmentDefinitionName"]) for s in sources]
        if not combine(group.get("SourceType") or "ALL", found):
            return False
    dimensions = group.get("Dimensions") or []
    if not dimensions:
        return bool(sources)
    return combine(group.get("Type") or "ALL", [dimension_matches(d, context) for d in dimensions])


def segment_matches(groups: dict[str, Any], context: Context) -> bool:
    return combine(
        groups.get("Include") or "ALL",
        [group_matches(g, context) for g in groups.get("Groups") or []],
    )


# --- compiled: the same rules turned into closures once, for whole-domain passes -------
Predicate = Callable[[Context], bool]


def field_getter(path: str) -> Callable[[dict[str, Any]], str | None]:
    """``Context.field`` for one path, with the path split once."""
    head, _, rest = path.partition(".")
    if rest or (head not in TEXT_FALLBACKS and head != "ProfileType"):

        def get(fields: dict[str, Any]) -> str | None:
            value = fields.get(head)
            if rest:
                value = value.get(rest) if isinstance(value, dict) else None
            return value if isinstance(value, str) else None

        return get
    return lambda fields: Context(fields, _no_calculated, _no_segment).field(path)


def _no_calculated(_name: str, _override: dict[str, Any] | None) -> str | None:
    return None


def _no_segment(_name: str) -> bool:
    return False


def _compile_rule(path: str, rule: dict[str, Any]) -> Predicate:
    get = field_getter(path)
    values = rule["Values"]
    operator = rule["DimensionType"]
    if any(_DYNAMIC.match(v) for v in values):
        return lambda c: matches(operator, get(c.fields), c.resolve(values))
    head, _, rest = path.partition(".")
    plain = rest or (head not in TEXT_FALLBACKS and head != "ProfileType")
    if plain and operator in ("INCLUSIVE", "EXCLUSIVE"):
        return _text_rule(head, rest, frozenset(v.lower() for v in values), operator)
    test = compiled_comparison(operator, tuple(values))
    return lambda c: test(get(c.fields))


def _compile_dimension(dimension: dict[str, Any]) -> Predicate:
    checks: list[Predicate] = []
    for name, rule in (dimension.get("ProfileAttributes") or {}).items():
        if name in ADDRESS_DIMENSIONS:
            checks += [_compile_rule(f"{name}.{sub}", r) for sub, r in rule.items()]
        elif name == "Attributes":
            checks += [_compile_rule(f"Attributes.{a}", r) for a, r in rule.items()]
        else:
            checks.append(_compile_rule(name, rule))
    for name, rule in (dimension.get("CalculatedAttributes") or {}).items():
        checks.append(_calculated_check(name, rule))
    if len(checks) == 1:
        return checks[0]
    return lambda c: all(check(c) for check in checks)


def _text_rule(head: str, rest: str, wanted: frozenset[str], operator: str) -> Predicate:
    """The most common rule (a field is, or is not, one of some values) in one closure:
    the field read and the comparison inline, as a hand-written loop would do them."""
    include = operator == "INCLUSIVE"

    def check(c: Context) -> bool:
        value = c.fields.get(head)
        if rest:
            value = value.get(rest) if isinstance(value, dict) else None
        if not isinstance(value, str):
            return not include
        return (value.lower() in wanted) is include

    return check


def _calculated_check(name: str, rule: dict[str, Any]) -> Predicate:
    override = rule.get("ConditionOverrides")
    return lambda c: _rule(c, c.calculated(name, override), rule)


def _combined(kind: str, parts: list[Predicate]) -> Predicate:
    if kind == "ANY":
        return lambda c: any(part(c) for part in parts)
    if kind == "NONE":
        return lambda c: not any(part(c) for part in parts)
    if len(parts) == 1:
        return parts[0]
    return lambda c: all(part(c) for part in parts)


def _compile_group(group: dict[str, Any]) -> Predicate:
    names = [s["SegmentDefinitionName"] for s in group.get("SourceSegments") or []]
    source_kind = group.get("SourceType") or "ALL"
    dimensions = [_compile_dimension(d) for d in group.get("Dimensions") or []]
    by_dimensions = _combined(group.get("Type") or "ALL", dimensions)
    if not names:
        return by_dimensions if dimensions else (lambda c: False)

    def with_sources(c: Context) -> bool:
        if not combine(source_kind, [c.in_segment(n) for n in names]):
            return False
        return by_dimensions(c) if dimensions else True

    return with_sources


def compile_segment(groups: dict[str, Any]) -> Predicate:
    """``segment_matches`` for these groups, compiled once: what a whole-domain pass
    (an estimate, a snapshot, a listing of members) evaluates per profile."""
    parts = [_compile_group(g) for g in groups.get("Groups") or []]
    return _combined(groups.get("Include") or "ALL", parts)


def referenced_segments(groups: dict[str, Any] | None) -> set[str]:
    return {
        source["SegmentDefinitionName"]
        for group in (groups or {}).get("Groups") or []
        for source in group.get("SourceSegments") or []
        if source.get("SegmentDefinitionName")
    }


def referenced_calculated_attributes(groups: dict[str, Any] | None) -> set[str]:
    names: set[str] = set()
    for group in (groups or {}).get("Groups") or []:
        for dimension in group.get("Dimensions") or []:
            names.update(dimension.get("CalculatedAttributes") or {})
            for rule in _rules(dimension.get("ProfileAttributes") or {}):
                for value in rule.get("Values", []):
                    dynamic = _DYNAMIC.match(value)
                    if dynamic and dynamic.group(1) == "_calculated_attribute":
                        names.add(dynamic.group(2))
    return names


def _rules(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rules = []
    for name, rule in spec.items():
        if name in ADDRESS_DIMENSIONS or name == "Attributes":
            rules.extend(rule.values())
        else:
            rules.append(rule)
    return rules
