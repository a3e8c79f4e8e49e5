"""Owners: who owns what, on any date.

    resolve_owners(store)                 names -> companies and groups -> ownership periods
    find_owners(store, "xiaomi")          entities matching a name, with variants and counts
    show_owner(store, "GOOGLE")           one company: names, links, parents, evidence
    portfolio(store, "GOOGLE", as_of=...) patents owned on a date and how each was acquired
    add_override(store, "merge", a, b)    a user decision that wins over automatic ones
    import_groups(store, path)            parent/subsidiary relations (CSV, YAML, GLEIF)
    cluster_names_file(in_csv, out_csv)   the same resolver on a CSV of mentions
"""

from warchest.errors import NotResolved, UnknownEntity
from warchest.owners.conveyance import classify_conveyance
from warchest.owners.lookup import (
    Company,
    CompanyGroup,
    Holding,
    NameVariant,
    OwnerDetail,
    OwnerMatch,
    OwnerSearch,
    Portfolio,
    encumbrances_sql,
    entity_id_of,
    find_owners,
    owner_on,
    portfolio,
    show_owner,
)
from warchest.owners.mentions import LEVELS, NameClusters, cluster_names_file
from warchest.owners.names import normalise_name
from warchest.owners.overrides import OVERRIDE_ACTIONS, add_override, import_groups
from warchest.owners.resolution import OwnersReport, resolve_owners
from warchest.owners.resolve import Resolution, resolve_names

__all__ = [
    "LEVELS",
    "OVERRIDE_ACTIONS",
    "Company",
    "CompanyGroup",
    "Holding",
    "NameClusters",
    "NameVariant",
    "NotResolved",
    "OwnerDetail",
    "OwnerMatch",
    "OwnerSearch",
    "OwnersReport",
    "Portfolio",
    "Resolution",
    "UnknownEntity",
    "add_override",
    "classify_conveyance",
    "cluster_names_file",
    "encumbrances_sql",
    "entity_id_of",
    "find_owners",
    "import_groups",
    "normalise_name",
    "owner_on",
    "portfolio",
    "resolve_names",
    "resolve_owners",
    "show_owner",
]
