"""careteam's own checks of exported resources, beyond FHIR's structure: every reference
resolves inside the export, every Coding has a system, LOINC codes come from the one table."""

from __future__ import annotations

from typing import Iterable, Iterator

from careteam.fhir import codes


def _walk(value, path: str = "") -> Iterator[tuple[str, dict]]:
    if isinstance(value, dict):
        yield path, value
        for key, inner in value.items():
            yield from _walk(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _walk(inner, f"{path}[{index}]")


def references(resource: dict) -> Iterator[tuple[str, str]]:
    """(path, "Type/id") of every literal reference in a resource."""
    for path, node in _walk(resource):
        reference = node.get("reference")
        if isinstance(reference, str):
            yield path, reference


def codings(resource: dict) -> Iterator[tuple[str, dict]]:
    """Every Coding: a dict with a `code` inside a `coding` list, `security`, `valueCoding` or `tag`."""
    for path, node in _walk(resource):
        if "code" in node and isinstance(node.get("code"), str) and (
                path.rsplit(".", 1)[-1].startswith(("coding[", "security[", "tag[")) or path.endswith("valueCoding")):
            yield path, node


def problems(resources: Iterable[dict]) -> list[str]:
    """What breaks careteam's rules in a set of resources (empty when all is well)."""
    resources = list(resources)
    present = {f"{r['resourceType']}/{r['id']}" for r in resources}
    found = []
    if len(present) != len(resources):
        found.append("duplicate resource ids")
    for resource in resources:
        name = f"{resource['resourceType']}/{resource['id']}"
        for path, reference in references(resource):
            if reference not in present:
                found.append(f"{name}{path}: unresolved reference {reference}")
        for path, coding in codings(resource):
            system = coding.get("system")
            if not system:
                found.append(f"{name}{path}: a Coding without a system")
            elif system == codes.LOINC_SYSTEM and (coding["code"] not in codes.LOINC
                                                   or codes.LOINC[coding["code"]] != coding.get("display")):
                found.append(f"{name}{path}: LOINC {coding['code']} is not in careteam's table")
    return found


def bundle_problems(bundle: dict) -> list[str]:
    return problems(entry["resource"] for entry in bundle.get("entry", []))
