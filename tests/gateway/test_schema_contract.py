"""The served schema keeps every type, field, argument and enum value of the contract, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    find_breaking_changes,
)

from gateway.gql.schema import CONTRACT_SDL
from gateway.gql.schema import build_schema as build_served_schema
from gateway.shapes import ORDER_STATES

SHARED_CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "contract" / "schema.graphql"
CONTRACTS = [CONTRACT_SDL, *([SHARED_CONTRACT] if SHARED_CONTRACT.exists() else [])]


def _missing_or_changed(contract: GraphQLSchema, served: GraphQLSchema) -> list[str]:
    problems: list[str] = []
    for name, expected in contract.type_map.items():
        if name.startswith("__"):
            continue
        actual = served.type_map.get(name)
        if actual is None or type(actual) is not type(expected):
            problems.append(f"type {name}")
            continue
        if isinstance(expected, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            assert isinstance(actual, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType)
            for field_name, field in expected.fields.items():
                served_field = actual.fields.get(field_name)
                if served_field is None or str(served_field.type) != str(field.type):
                    problems.append(f"field {name}.{field_name}: {field.type}")
                    continue
                for arg_name, arg in getattr(field, "args", {}).items():
                    served_arg = served_field.args.get(arg_name)  # type: ignore[union-attr]
                    if served_arg is None or str(served_arg.type) != str(arg.type):
                        problems.append(f"argument {name}.{field_name}({arg_name}: {arg.type})")
                    elif served_arg.default_value != arg.default_value:
                        problems.append(f"default of {name}.{field_name}({arg_name})")
        elif isinstance(expected, GraphQLEnumType):
            assert isinstance(actual, GraphQLEnumType)
            problems += [f"enum value {name}.{value}" for value in expected.values if value not in actual.values]
        elif isinstance(expected, GraphQLUnionType):
            assert isinstance(actual, GraphQLUnionType)
            if {t.name for t in expected.types} - {t.name for t in actual.types}:
                problems.append(f"union {name}")
    return problems


@pytest.mark.parametrize("contract_path", CONTRACTS, ids=[path.parent.name for path in CONTRACTS])
def test_the_served_schema_holds_the_whole_contract(contract_path: Path) -> None:
    contract = build_schema(contract_path.read_text())
    served = build_served_schema()
    assert _missing_or_changed(contract, served) == []
    assert find_breaking_changes(contract, served) == []


def test_the_gateway_copy_is_the_contract_verbatim() -> None:
    if not SHARED_CONTRACT.exists():
        pytest.skip("the shared contract is not checked out next to this repository")
    assert CONTRACT_SDL.read_text() == SHARED_CONTRACT.read_text()


def test_order_states_match_the_proto_enum() -> None:
    served = build_served_schema().type_map["OrderState"]
    assert isinstance(served, GraphQLEnumType)
    assert set(served.values) == set(ORDER_STATES)
    assert {name: value.value for name, value in served.values.items()} == ORDER_STATES
