"""The open-data dump: the whole public dataset as JSON and CSV files with a README
(`export`), and the same dump loaded into an empty instance (`import_`)."""

from .export import export
from .load import import_

__all__ = ["export", "import_"]
