"""The executable schema: the contract SDL (verbatim) with the gateway's resolvers bound."""

from __future__ import annotations

from pathlib import Path

from ariadne import EnumType, load_schema_from_path, make_executable_schema
from graphql import GraphQLSchema

from gateway.convert import ORDER_STATES
from gateway.gql import resolvers
from gateway.gql.scalars import datetime_scalar, json_scalar

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
CONTRACT_SDL = SCHEMA_DIR / "contract.graphql"

order_state = EnumType("OrderState", ORDER_STATES)


def build_schema() -> GraphQLSchema:
    """The contract schema (plus any ``*.graphql`` extensions next to it), ready to execute."""
    type_defs = load_schema_from_path(str(SCHEMA_DIR))
    return make_executable_schema(
        type_defs,
        datetime_scalar,
        json_scalar,
        order_state,
        *resolvers.bindables,
    )
