"""The technology map: CPC hierarchy with titles, WIPO fields, product taxonomies, text.

``map_technology(store, taxonomy)`` derives, as portable SQL run by ``Store.derive``:

- ``taxonomy_terms``: the product areas of a taxonomy file (``taxonomy.yaml`` here, or the
  user's own), one row per CPC prefix or keyword;
- ``patent_products``: which patents fall in which product area, and by what evidence (the
  CPC symbol that matched a prefix, or the keyword found in the title or abstract);
- ``patent_fields``: the WIPO technology field (35 fields, IPC concordance) of each patent,
  from its IPC symbols where loaded, else from its CPC symbols (CPC extends IPC, so the
  concordance's IPC prefixes apply to CPC symbols), the longest matching prefix winning.

``describe_symbol`` walks the CPC hierarchy (section, class, subclass, group) with titles.
Text embeddings are in ``warchest.techmap.text``.
"""

from warchest.techmap.mapping import (
    TAXONOMY,
    TECHMAP_TABLES,
    CpcPath,
    Product,
    TechmapReport,
    describe_symbol,
    fields_sql,
    load_taxonomy,
    map_technology,
    product_summary,
    products_sql,
)

__all__ = [
    "TAXONOMY",
    "TECHMAP_TABLES",
    "CpcPath",
    "Product",
    "TechmapReport",
    "describe_symbol",
    "fields_sql",
    "load_taxonomy",
    "map_technology",
    "product_summary",
    "products_sql",
]
