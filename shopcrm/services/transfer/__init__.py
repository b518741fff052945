"""Customers and visits in from CSV and Excel, and customers, visits and coupons out.

One job per module: ``encodings`` (which characters a CSV file's bytes are), ``reading``
(files in, streaming), ``mapping`` (which column goes to which field), ``rows`` (one row's
values), ``report`` (the row-level report), ``checking`` (the dry run), ``writing`` (one
transaction) and ``exporting``. The public API is re-exported here.

Import is two steps, always: ``open_file(path)`` and ``guess_mapping``, then the dry run
``plan_import(db, source, kind, mapping)`` (every value through the domain rules; the report
lists every row that would fail, likely duplicates and warnings) and ``apply_import(db, plan)``,
which writes all rows or none (or the valid rows only) in ONE transaction. ``import_file`` does
both in one reading of the file (the command line).
"""

from shopcrm.services.transfer.checking import ImportPlan, PlannedVisit, plan_import, planned_rows
from shopcrm.services.transfer.exporting import (
    EXPORT_KINDS,
    export,
    export_headers,
    preference_cells,
)
from shopcrm.services.transfer.mapping import (
    IGNORE,
    KINDS,
    apply_overrides,
    field_label,
    fields_for,
    guess_mapping,
    header_key,
    parse_field_name,
    required_fields,
)
from shopcrm.services.transfer.reading import (
    FileSource,
    ImportFileError,
    Table,
    open_file,
    preview,
    read_table,
)
from shopcrm.services.transfer.report import (
    AlreadyImported,
    Duplicate,
    ImportRefused,
    ImportReport,
    RowProblem,
)
from shopcrm.services.transfer.writing import apply_import, import_file

__all__ = [
    "EXPORT_KINDS",
    "IGNORE",
    "KINDS",
    "AlreadyImported",
    "Duplicate",
    "FileSource",
    "ImportFileError",
    "ImportPlan",
    "ImportRefused",
    "ImportReport",
    "PlannedVisit",
    "RowProblem",
    "Table",
    "apply_import",
    "apply_overrides",
    "export",
    "export_headers",
    "field_label",
    "fields_for",
    "guess_mapping",
    "header_key",
    "import_file",
    "open_file",
    "parse_field_name",
    "plan_import",
    "planned_rows",
    "preference_cells",
    "preview",
    "read_table",
    "required_fields",
]
