"""What a GraphQL field's selection asks of the object it resolves, known before resolving it.

A resolver that can fetch some of its object's fields along with the object (in the same call
to a service, or in a call made at the same time) reads its selection here: the fields asked
for, each with the arguments its resolver will be given (variables and defaults applied, as the
executor applies them). A field asked for twice with different arguments, or under a directive
(``@skip``, ``@include``), is not known for sure and is left out, so it resolves on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_argument_values

_UNSURE = object()


def selected_fields(info: GraphQLResolveInfo[Any]) -> dict[str, dict[str, Any]]:
    """The fields selected on the object ``info``'s field resolves to, with the arguments each will get."""
    object_type = get_named_type(info.return_type)
    if not isinstance(object_type, GraphQLObjectType):
        return {}
    found: dict[str, Any] = {}
    for node in info.field_nodes:
        if node.selection_set is not None:
            _visit(node.selection_set, object_type, info, found, unsure=False)
    return {name: arguments for name, arguments in found.items() if arguments is not _UNSURE}


def _visit(
    selections: SelectionSetNode,
    object_type: GraphQLObjectType,
    info: GraphQLResolveInfo[Any],
    found: dict[str, Any],
    *,
    unsure: bool,
) -> None:
    for selection in selections.selections:
        conditional = unsure or bool(selection.directives)
        if isinstance(selection, FieldNode):
            definition = object_type.fields.get(selection.name.value)
            if definition is None:  # __typename
                continue
            arguments: Mapping[str, Any] | object = (
                _UNSURE if conditional else get_argument_values(definition, selection, info.variable_values)
            )
            name = selection.name.value
            if name in found and found[name] != arguments:
                arguments = _UNSURE
            found[name] = arguments
        elif isinstance(selection, InlineFragmentNode):
            _visit(selection.selection_set, object_type, info, found, unsure=conditional)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info.fragments.get(selection.name.value)
            if fragment is not None:
                _visit(fragment.selection_set, object_type, info, found, unsure=conditional)
