"""How much one GraphQL document may ask of the gateway: its depth, its aliases and its cost.

Checked on the parsed document before it is validated or executed, in one walk over its
selections, so an oversized query is refused at once and costs next to nothing. The schema
decides the multipliers, so none is written down here:

* every field counts 1;
* a connection (a field with a ``first`` argument) multiplies what is under it by its ``first``,
  or by the argument's default when the client leaves it out (``orders`` 20, ``timeline`` 50);
  a ``first`` outside 1…``MAX_PAGE_SIZE`` counts as the largest page, and its field refuses it;
* fragments count where they are spread, and each is measured once however often it is spread.

Aliases are what let one document ask for the same costly field many times
(``a0: orders … a99: orders``); depth bounds the introspection of ``__Type.ofType`` chains and
any cycle a future schema may have.

Why not Ariadne's ``cost_validator``: it reads costs from ``@cost`` directives in the SDL (the
contract is served verbatim) or a hand-kept cost map, needs the request's variables when the rule
class is made (a new class per request), runs only inside validation, beside every other rule,
and skips a ``first`` of 0 or less. Measuring before validation also spares the validator
documents it would spend most on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    VariableNode,
    get_named_type,
    parse,
)

from callsheet_kit.errors import DomainError, ErrorCode, FieldViolation
from callsheet_kit.paging import MAX_PAGE_SIZE
from gateway.gql.documents import DocumentCache

QUERY_FIELD = "query"
# The reason of every refusal of the document itself (a syntax error included).
INVALID_QUERY = "INVALID_QUERY"


@dataclass(frozen=True)
class QueryLimits:
    """The most one document may ask for."""

    max_tokens: int
    max_depth: int
    max_aliases: int
    max_cost: int


@dataclass(frozen=True)
class _Size:
    """What a selection set asks for: its deepest nesting, its aliases, and its cost."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def __add__(self, other: _Size) -> _Size:
        return _Size(max(self.depth, other.depth), self.aliases + other.aliases, self.cost + other.cost)


_NOTHING = _Size()


def parse_within_limits(
    schema: GraphQLSchema,
    query: str,
    variables: Mapping[str, Any],
    limits: QueryLimits,
    documents: DocumentCache | None = None,
) -> DocumentNode:
    """The document of ``query`` (from ``documents`` when it was parsed before); INVALID_ARGUMENT
    naming ``query`` when it breaks ``limits``. A syntax error is raised as graphql-core reports it.
    """

    def parse_text(text: str) -> DocumentNode:
        return parse(text, max_lexical_tokens=limits.max_tokens)

    try:
        document = documents.parse(query, parse_text) if documents is not None else parse_text(query)
    except GraphQLSyntaxError as error:
        # The parser stops at the limit; say so plainly rather than as a syntax error.
        if error.description != f"Document contains more than {limits.max_tokens} tokens. Parsing aborted.":
            raise
        raise _too_much(
            [
                f"has more than {limits.max_tokens} tokens (names, values, punctuation); at most {limits.max_tokens} are allowed"
            ]
        ) from None
    check_query_limits(schema, document, variables, limits)
    return document


def check_query_limits(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], limits: QueryLimits
) -> None:
    """Raises INVALID_ARGUMENT naming ``query`` when any operation of ``document`` exceeds ``limits``."""
    try:
        size = _Measure(schema, document, variables, limits).document()
    except RecursionError:
        # Only a chain of hundreds of fragments gets here; no client needs one.
        raise _too_much(["nests fragments too deeply to measure"]) from None
    problems = []
    if size.depth > limits.max_depth:
        problems.append(
            f"nests fields {_at_least(size.depth, limits.max_depth)} levels deep; at most {limits.max_depth} are allowed"
        )
    if size.aliases > limits.max_aliases:
        problems.append(f"uses {size.aliases} aliases; at most {limits.max_aliases} are allowed")
    if size.cost > limits.max_cost:
        problems.append(
            f"would cost {size.cost} (each field counts 1, times the first of every connection above it); "
            f"at most {limits.max_cost} is allowed"
        )
    if problems:
        raise _too_much(problems)


def _too_much(problems: list[str]) -> DomainError:
    return DomainError(
        ErrorCode.INVALID_ARGUMENT,
        "the query asks for too much: it " + "; it ".join(problems),
        reason=INVALID_QUERY,
        violations=tuple(FieldViolation(QUERY_FIELD, problem) for problem in problems),
    )


def _at_least(depth: int, limit: int) -> str:
    # The walk stops one level past the limit, so a deeper document reads "more than".
    return f"more than {limit}" if depth > limit + 1 else str(depth)


class _Measure:
    """One walk over a document's operations, with every fragment measured once."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], limits: QueryLimits
    ) -> None:
        self._schema = schema
        self._limits = limits
        self._fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self._operations = [
            definition for definition in document.definitions if isinstance(definition, OperationDefinitionNode)
        ]
        # A variable's value: the client's, else its definition's default (``$n: Int = 5``).
        self._variables: dict[str, Any] = {
            variable.variable.name.value: int(variable.default_value.value)
            for operation in self._operations
            for variable in operation.variable_definitions or ()
            if isinstance(variable.default_value, IntValueNode)
        }
        self._variables.update(variables)
        self._measured: dict[str, _Size] = {}
        self._measuring: set[str] = set()

    def document(self) -> _Size:
        """The largest depth, alias count and cost of any one operation."""
        largest = _NOTHING
        for operation in self._operations:
            size = self._selections(operation.selection_set.selections, self._root_type(operation.operation), 0)
            largest = _Size(
                max(largest.depth, size.depth), max(largest.aliases, size.aliases), max(largest.cost, size.cost)
            )
        return largest

    def _root_type(self, operation: OperationType) -> GraphQLNamedType | None:
        if operation is OperationType.MUTATION:
            return self._schema.mutation_type
        if operation is OperationType.SUBSCRIPTION:
            return self._schema.subscription_type
        return self._schema.query_type

    def _selections(self, selections: Iterable[SelectionNode], parent: GraphQLNamedType | None, depth: int) -> _Size:
        total = _NOTHING
        for selection in selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, depth)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._schema.get_type(condition.name.value) if condition else parent
                total += self._selections(selection.selection_set.selections, inner, depth)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, depth)
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None, depth: int) -> _Size:
        aliases = 1 if node.alias else 0
        if node.selection_set is None:
            return _Size(depth=depth + 1, aliases=aliases, cost=1)
        if depth + 1 > self._limits.max_depth:
            # Too deep already: the refusal needs no more of this branch.
            return _Size(depth=depth + 2, aliases=aliases, cost=1)
        field = self._field_definition(parent, node.name.value)
        child_type = get_named_type(field.type) if field is not None else None
        below = self._selections(node.selection_set.selections, child_type, depth + 1)
        return _Size(below.depth, aliases + below.aliases, 1 + self._page_size(field, node) * below.cost)

    def _fragment(self, name: str, depth: int) -> _Size:
        # Measured once, from depth 0, and placed at the depth of each spread. A fragment that
        # spreads itself counts nothing more here; validation refuses the cycle.
        if name not in self._measured:
            fragment = self._fragments.get(name)
            if fragment is None or name in self._measuring:
                return _NOTHING
            self._measuring.add(name)
            inner = self._schema.get_type(fragment.type_condition.name.value)
            self._measured[name] = self._selections(fragment.selection_set.selections, inner, 0)
            self._measuring.discard(name)
        size = self._measured[name]
        return _Size(depth + size.depth if size.depth else 0, size.aliases, size.cost)

    @staticmethod
    def _field_definition(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            field: GraphQLField | None = parent.fields.get(name)
            return field
        return None

    def _page_size(self, field: GraphQLField | None, node: FieldNode) -> int:
        argument = field.args.get("first") if field is not None else None
        if argument is None:
            return 1
        value = _default(argument)
        for given in node.arguments or ():
            if given.name.value != "first":
                continue
            if isinstance(given.value, IntValueNode):
                value = int(given.value.value)
            elif isinstance(given.value, VariableNode):
                value = self._variables.get(given.value.name.value, value)
        if not isinstance(value, int) or isinstance(value, bool):
            return MAX_PAGE_SIZE
        return min(max(value, 1), MAX_PAGE_SIZE)


def _default(argument: GraphQLArgument) -> Any:
    # An SDL default is kept as its literal (``first: Int = 20``); one set in code, as a value.
    default = argument.default
    if default is None:
        return argument.default_value
    if isinstance(default.literal, IntValueNode):
        return int(default.literal.value)
    return default.value
