"""GraphQL errors in the contract's shape: ``extensions.code`` and friends on every error.

Three kinds reach the formatter: a ``DomainError`` raised by a resolver or by the document's
limits (mapped by ``gateway.errors``), a request the schema rejects (a bad document, variable or
literal: INVALID_ARGUMENT naming the offending input path), and anything else (INTERNAL, logged
here). A request refused before GraphQL runs (no token, no body) gets the same shape from
``error_response``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from fastapi.responses import JSONResponse
from graphql import GraphQLError, GraphQLSyntaxError, parse
from graphql.language import (
    ArgumentNode,
    FieldNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
)

from callsheet_kit.errors import DomainError, ErrorCode
from gateway.errors import internal_error, public_error
from gateway.gql.limits import INVALID_QUERY, QUERY_FIELD
from gateway.metrics import note_code

log = logging.getLogger(__name__)

Path = list[str | int]

_VARIABLE_ERROR = re.compile(
    r"^Variable '\$(?P<name>\w+)' has invalid (?:default )?value(?: at (?P<path>(?:\.\w+|\[\d+\])+))?: ",
)
_NAMED_FIELD = re.compile(r"include (?P<kind>required|unknown) field '(?P<field>\w+)'")
_REQUIRED_ARGUMENT = re.compile(r"^Argument '[^']*\((?P<name>\w+):\)' of type '(?P<type>[^']+)' is required")
_PATH_PART = re.compile(r"\.(\w+)|\[(\d+)\]")


def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    """The JSON of one GraphQL error, with the contract's extensions."""
    formatted: dict[str, Any] = dict(error.formatted)
    original = _innermost(error)
    if isinstance(original, DomainError):
        if original.code in (ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL):
            log.warning("%s failed: %s", ".".join(str(p) for p in error.path or ()), original)
        formatted["message"], formatted["extensions"] = public_error(original, field_prefix=_input_prefix(error))
    elif error.path is None and (original is None or isinstance(original, ValueError | TypeError)):
        # No resolver ran yet: the schema rejected the document, a variable or a literal.
        formatted["extensions"] = request_error_fields(error)
    else:
        log.error("unexpected error in %s", ".".join(str(p) for p in error.path or ()), exc_info=original or error)
        formatted["message"], formatted["extensions"] = public_error(internal_error())
    return formatted


def error_response(error: DomainError) -> JSONResponse:
    """The GraphQL response of a request refused before execution: no data, one error.

    Like every GraphQL response of this gateway, it is a 200: the error is in the body.
    """
    if error.code in (ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL):
        log.warning("request failed: %s", error)
    note_code(error.code.value)
    message, extensions = public_error(error)
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": extensions}]})


def request_error_fields(error: GraphQLError) -> dict[str, Any]:
    """INVALID_ARGUMENT for a request the schema rejects, naming the input path at fault."""
    field = _input_path(error)
    return {
        "code": ErrorCode.INVALID_ARGUMENT.value,
        "reason": "INVALID_ARGUMENT" if field != QUERY_FIELD else INVALID_QUERY,
        "violations": [{"field": field, "description": _description(error)}],
    }


def _innermost(error: GraphQLError) -> BaseException | None:
    original: BaseException | None = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    return original if not isinstance(original, GraphQLError) else None


def _input_prefix(error: GraphQLError) -> str:
    # A service names fields of the operation's input object; in GraphQL they sit under `input`.
    for node in error.nodes or ():
        if isinstance(node, FieldNode) and any(arg.name.value == "input" for arg in node.arguments or ()):
            return "input"
    return ""


def _description(error: GraphQLError) -> str:
    named = _NAMED_FIELD.search(error.message)
    if named:
        return "is required" if named["kind"] == "required" else "is not a field of this input"
    required = _REQUIRED_ARGUMENT.search(error.message)
    if required:
        return f"is required ({required['type']})"
    inner = _innermost(error)
    if inner is not None and not isinstance(inner, GraphQLError):
        return str(inner)
    if isinstance(error.original_error, GraphQLError):
        return error.original_error.message
    return error.message


def _input_path(error: GraphQLError) -> str:
    if isinstance(error, GraphQLSyntaxError) or error.source is None:
        return QUERY_FIELD
    path: Path | None = None
    node = error.nodes[0] if error.nodes else None
    variable = _VARIABLE_ERROR.match(error.message)
    if variable and isinstance(node, VariableDefinitionNode):
        path = _variable_path(error.source.body, variable["name"]) + _parse_path(variable["path"] or "")
    elif node is not None and node.loc is not None and isinstance(node, ValueNode):
        path = _literal_path(error.source.body, node.loc.start)
    else:
        required = _REQUIRED_ARGUMENT.search(error.message)
        if required:
            path = [required["name"]]
    if path is None:
        return QUERY_FIELD
    named = _NAMED_FIELD.search(error.message)
    if named:
        path = [*path, named["field"]]
    return _print_path(path)


def _parse_path(text: str) -> Path:
    return [name if name else int(index) for name, index in _PATH_PART.findall(text)]


def _print_path(path: Path) -> str:
    printed = ""
    for part in path:
        printed += f"[{part}]" if isinstance(part, int) else (f".{part}" if printed else part)
    return printed


def _argument_values(node: Node) -> Iterator[tuple[Path, ValueNode]]:
    """Every value under an argument of the document, with its path from the argument name."""
    if isinstance(node, ArgumentNode):
        yield from _values_within(node.value, [node.name.value])
        return
    for key in node.keys:
        child = getattr(node, key, None)
        children = child if isinstance(child, tuple | list) else (child,)
        for item in children:
            if isinstance(item, Node) and not isinstance(item, VariableDefinitionNode):
                yield from _argument_values(item)


def _values_within(value: ValueNode, path: Path) -> Iterator[tuple[Path, ValueNode]]:
    yield path, value
    if isinstance(value, ObjectValueNode):
        for field in value.fields:
            yield from _values_within(field.value, [*path, field.name.value])
    elif isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            yield from _values_within(item, [*path, index])


def _literal_path(body: str, start: int) -> Path | None:
    for path, value in _argument_values(parse(body, no_location=False)):
        if value.loc is not None and value.loc.start == start:
            return path
    return None


def _variable_path(body: str, name: str) -> Path:
    # A variable used in exactly one place is reported at that place (`input.startUtc`, not `q.startUtc`).
    uses = [
        path
        for path, value in _argument_values(parse(body, no_location=False))
        if isinstance(value, VariableNode) and value.name.value == name
    ]
    return uses[0] if len(uses) == 1 else [name]
