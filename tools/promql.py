"""The metric names a PromQL expression selects, for the checks that every name the dashboards
and alerts query is one the catalogue declares and the services export."""

from __future__ import annotations

import re

# What PromQL has besides metric names: keywords, modifiers, aggregations (functions are told by
# the "(" that follows them).
PROMQL_WORDS = frozenset(
    {
        "and",
        "or",
        "unless",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "offset",
        "bool",
        "atan2",
        "inf",
        "nan",
        # Aggregations, which may be followed by their grouping rather than by a parenthesis.
        "sum",
        "min",
        "max",
        "avg",
        "group",
        "stddev",
        "stdvar",
        "count",
        "count_values",
        "bottomk",
        "topk",
        "quantile",
        "limitk",
        "limit_ratio",
    }
)
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_VARIABLES = re.compile(r"\$\{[^}]*\}|\$\w+")
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGES = re.compile(r"\[[^\[\]]*\]")
_LABEL_LISTS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENTIFIER = re.compile(r"(?<![\w:.])[A-Za-z_:][\w:]*(?![\w:]|\s*\()")


def metric_names(expression: str) -> set[str]:
    """The series names an expression selects: strings, Grafana's ``$variables``, label
    matchers, ranges, grouping labels, keywords and functions left out."""
    bare = _STRINGS.sub(" ", expression)
    bare = _VARIABLES.sub(" ", bare)
    bare = _MATCHERS.sub(" ", bare)
    bare = _RANGES.sub(" ", bare)
    bare = _LABEL_LISTS.sub(" ", bare)
    return {name for name in _IDENTIFIER.findall(bare) if name.lower() not in PROMQL_WORDS}
