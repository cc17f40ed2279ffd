"""The Atom schema of RFC 4287 Appendix B, for every feed test to validate against."""

from pathlib import Path

import pytest
import rnc2rng
from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@pytest.fixture(scope="session")
def atom_schema() -> etree.RelaxNG:
    """RFC 4287's grammar, converted from compact syntax once per session."""
    rng = rnc2rng.dumps(rnc2rng.loads((Path(__file__).parent / "atom.rnc").read_text()))
    # rnc2rng writes `namespace local = ""` as xmlns:local="", which XML namespaces 1.0
    # forbids, so lxml refuses the whole grammar; nothing uses the prefix, so it goes.
    # The schematron annotations need no stripping: libxml2 skips them, unchecked.
    rng = rng.replace(' xmlns:local=""', "", 1)
    return etree.RelaxNG(etree.fromstring(rng.encode(), PARSER))
