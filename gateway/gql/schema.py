"""The executable schema: the contract SDL (verbatim), its extensions, and every operation's resolver bound."""

from __future__ import annotations

from pathlib import Path

from ariadne import EnumType, load_schema_from_path, make_executable_schema
from graphql import GraphQLSchema

from gateway.gql.scalars import datetime_scalar, json_scalar
from gateway.operation import graphql_bindables
from gateway.operations import OPERATIONS
from gateway.shapes import ORDER_STATES

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
CONTRACT_SDL = SCHEMA_DIR / "contract.graphql"

order_state = EnumType("OrderState", ORDER_STATES)


def build_schema() -> GraphQLSchema:
    """The contract schema (plus the ``*.graphql`` extensions next to it), ready to execute.

    Built once per app, at start-up: requests reuse it.
    """
    type_defs = load_schema_from_path(str(SCHEMA_DIR))
    return make_executable_schema(
        type_defs,
        datetime_scalar,
        json_scalar,
        order_state,
        *graphql_bindables(OPERATIONS),
    )
