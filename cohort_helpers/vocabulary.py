"""One vocabulary for every module: line statuses, exclusion reasons, methods.

Every table the library writes or reads (lines, reconciliations, rule files,
overrides, widgets) uses these codes; the plain labels are what participants
see. ``docs/CONTRACTS.md`` documents the same lists.

Examples
--------
>>> label("scope12_electricity")
'Electricity (Scope 2)'
>>> "other_fiscal_year" in REASONS and "other_fiscal_year" not in RULE_REASONS
True
"""

from __future__ import annotations

__all__ = [
    "STATUSES",
    "REASON_TEXT",
    "REASONS",
    "RULE_REASONS",
    "SCOPE12_REASONS",
    "EXCLUSION_METHODS",
    "CLASSIFICATION_METHODS",
    "SPECIFIC_METHODS",
    "COVERAGE_CLASSES",
    "FLAGS",
    "label",
    "why",
]

#: Status of a ledger line. ``unclassified``: a purchase (or a line not known to be
#: anything else) that got no factor code.
STATUSES = ("included", "excluded", "unclassified")

#: Exclusion reason -> (plain label, why it is not counted in Scope 3 categories 1 and 2).
REASON_TEXT: dict[str, tuple[str, str]] = {
    "payroll_benefits": (
        "Payroll and benefits",
        "wages, benefits and pensions pay people; they buy no goods or services",
    ),
    "debt_service": (
        "Debt service",
        "principal and interest are financial flows; what the loan paid for is counted when bought",
    ),
    "financial_other": (
        "Other financial entries",
        "reserves, depreciation, loans given, shares bought and other accounting entries "
        "buy no goods or services",
    ),
    "transfer": (
        "Transfers between funds",
        "money moving inside the government: it is counted where it is finally spent",
    ),
    "internal_charge": (
        "Internal charges",
        "recharges between departments: the purchase is counted once, where it was bought",
    ),
    "grant_passthrough": (
        "Grants and pass-through",
        "the recipient decides what to buy; those purchases are in the recipient's inventory",
    ),
    "payment_to_individual": (
        "Payments to individuals",
        "jury and witness fees, allowances and compensation pay people; they buy no goods",
    ),
    "tax_fee_government": (
        "Taxes and fees to govts",
        "payments to another government, not the price of goods or services",
    ),
    "refund": (
        "Refunds",
        "money given back to residents and customers (deposits, permits, overpayments)",
    ),
    "income": (
        "Income",
        "money received (sales, charges, reimbursements): not a purchase",
    ),
    "land": (
        "Land",
        "land is not produced, so it has no supply chain (and no EEIO factor)",
    ),
    "scope12_fuel": (
        "Fuel (Scope 1)",
        "burned in the fleet and buildings: already in the LGO Scope 1 inventory "
        "(its upstream emissions belong to Scope 3 category 3, not 1 or 2)",
    ),
    "scope12_electricity": (
        "Electricity (Scope 2)",
        "already in the LGO Scope 2 inventory (upstream and grid losses: Scope 3 category 3)",
    ),
    "scope12_natural_gas": (
        "Natural gas (Scope 1)",
        "burned in buildings: already in Scope 1 (upstream: Scope 3 category 3)",
    ),
    "scope12_district_heat": (
        "District heat (Scope 2)",
        "already in the LGO Scope 2 inventory (upstream: Scope 3 category 3)",
    ),
    "duplicate": (
        "Duplicate lines",
        "an exact repeat of an earlier payment: paid once, counted once",
    ),
    "void": ("Voided payments", "a payment and the void that cancels it add up to zero"),
    "other_fiscal_year": (
        "Other fiscal year",
        "dated in another fiscal year: it belongs to that year's inventory",
    ),
    "summary_row": (
        "Summary rows",
        "a total or subtotal row of the export: its payments are already in the other rows",
    ),
    "mapping_filter": (
        "Left out by the mapping",
        "rows the column mapping's keep/drop rules leave out (e.g. another source system)",
    ),
}

#: Every exclusion reason, in display order.
REASONS: tuple[str, ...] = tuple(REASON_TEXT)

#: Reasons a rule table or an override may give (the other two follow from the
#: inventory's fiscal year and the column mapping).
RULE_REASONS: tuple[str, ...] = tuple(
    r for r in REASONS if r not in ("other_fiscal_year", "mapping_filter")
)

#: Energy already in the member's Scope 1/2 inventory.
SCOPE12_REASONS: tuple[str, ...] = tuple(r for r in REASONS if r.startswith("scope12_"))

#: How an exclusion was decided.
EXCLUSION_METHODS = (
    "override",
    "mapping_filter",
    "summary_row",
    "void",
    "duplicate",
    "object_code",
    "kostra_art",
    "phrase",
    "keyword",
    "supplier",
    "vendor",
    "vendor_cue",
    "mcc",
)

#: How a NAICS code was found, strongest first. ``profile``: a purchase known only
#: coarsely (or not at all), allocated over 6-digit codes with a purchasing profile.
CLASSIFICATION_METHODS = (
    "override",
    "vendor",
    "vendor_fuzzy",
    "supplier",
    "mcc",
    "keyword",
    "object_code",
    "phrase",
    "kostra_art",
    "census_index",
    "vendor_cue",
    "profile",
    "unclassified",
)

#: Methods that name a specific code (everything but ``profile`` and ``unclassified``).
SPECIFIC_METHODS: tuple[str, ...] = tuple(
    m for m in CLASSIFICATION_METHODS if m not in ("profile", "unclassified")
)

#: Coverage of purchase spend.
COVERAGE_CLASSES = ("specific", "profile", "unclassified")

#: Flags on included lines that a reviewer should look at (they stay included).
FLAGS = ("possible_duplicate",)


def label(reason: str) -> str:
    """Plain label of an exclusion reason (the code itself when unknown).

    Parameters
    ----------
    reason : str
        An exclusion reason code, e.g. ``"payroll_benefits"``.

    Returns
    -------
    str
        The label shown in tables and charts.

    Examples
    --------
    >>> label("payroll_benefits")
    'Payroll and benefits'
    >>> label("something_else")
    'something_else'
    """
    return REASON_TEXT.get(reason, (reason, ""))[0]


def why(reason: str) -> str:
    """Why lines with this reason are not counted (empty when unknown).

    Parameters
    ----------
    reason : str
        An exclusion reason code, e.g. ``"land"``.

    Returns
    -------
    str
        One sentence for a reader of the inventory; ``""`` for an unknown code.

    Examples
    --------
    >>> why("land")
    'land is not produced, so it has no supply chain (and no EEIO factor)'
    """
    return REASON_TEXT.get(reason, ("", ""))[1]
