"""
Content files: one career path per YAML file, imported and exported whole.

The format is documented in docs/content-format.md and its keys come from
careers.shape. Reading (parse) turns a file into unsaved models or every
problem it has; writing (writer) is the one writer of the command, the admin
and the demo; export writes careers back in the same format.
"""

from .export import ExportConflict, career_to_dict, dump_career, export_careers
from .parse import ParsedCareer, parse_data, parse_file, parse_text
from .problems import ContentError, Problem
from .writer import (
    OtherFiles,
    SharedRows,
    import_files,
    record_careers,
    write,
    write_all,
)

__all__ = [
    "ContentError",
    "ExportConflict",
    "OtherFiles",
    "ParsedCareer",
    "Problem",
    "SharedRows",
    "career_to_dict",
    "dump_career",
    "export_careers",
    "import_files",
    "parse_data",
    "parse_file",
    "parse_text",
    "record_careers",
    "write",
    "write_all",
]
