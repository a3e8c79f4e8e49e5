"""Patent life and value: term and lapse, markets in force, OECD indicators, value on a date.

``compute_values(store)`` derives ``market_weights``, ``patent_terms``, ``patent_markets``
and ``patent_indicators`` from the loaded tables (each written once as portable SQL, see
``terms.py``, ``markets.py``, ``indicators.py``; run by ``compute.py``). ``views.py`` reads
them: ``patent_value`` explains one patent with the rows behind every number;
``portfolio_value`` and ``compare_portfolios`` extend the owners' portfolio view with
in-force counts, remaining life, value and technology mix.
"""

from warchest.value.compute import (
    VALUE_MEMORY,
    VALUE_TABLES,
    ValueReport,
    compute_values,
    require_computed,
    values_computed,
)
from warchest.value.views import (
    CompanySummary,
    PatentStatus,
    PatentValue,
    PortfolioComparison,
    PortfolioPage,
    PortfolioSummary,
    ValuedHolding,
    ValuedPortfolio,
    compare_portfolios,
    patent_id_of,
    patent_value,
    portfolio_page,
    portfolio_value,
    status_on,
    summarise,
    summary_of,
    values_on_sql,
)

__all__ = [
    "VALUE_MEMORY",
    "VALUE_TABLES",
    "CompanySummary",
    "PatentStatus",
    "PatentValue",
    "PortfolioComparison",
    "PortfolioPage",
    "PortfolioSummary",
    "ValueReport",
    "ValuedHolding",
    "ValuedPortfolio",
    "compare_portfolios",
    "compute_values",
    "patent_id_of",
    "patent_value",
    "portfolio_page",
    "portfolio_value",
    "require_computed",
    "status_on",
    "summarise",
    "summary_of",
    "values_computed",
    "values_on_sql",
]
