"""The controlled vocabularies in data/ and the module that loads them."""

import pycountry
import pytest

from clearinghouse import vocabulary
from clearinghouse.vocabulary import (
    ACTION_LINES,
    COUNTRIES,
    REGIONS,
    action_line_family,
    check_countries,
    parse_action_lines,
    region_of,
)

FLAGS = {"ldc": False, "lldc": False, "sids": False, "developing": True}


def test_every_iso_code_maps_to_exactly_one_of_the_five_regions():
    assert set(REGIONS) == {
        "africa",
        "asia_pacific",
        "eastern_europe",
        "latin_america_caribbean",
        "western_europe_others",
    }
    assert set(COUNTRIES) == {record.alpha_2 for record in pycountry.countries}
    assert all(country.region in REGIONS for country in COUNTRIES.values())


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("KE", "africa"),
        ("BR", "latin_america_caribbean"),
        ("DE", "western_europe_others"),
        ("US", "western_europe_others"),
        ("IL", "western_europe_others"),
        ("TR", "western_europe_others"),
        ("PL", "eastern_europe"),
        ("IN", "asia_pacific"),
        ("KI", "asia_pacific"),
        ("PS", "asia_pacific"),
        ("PR", "latin_america_caribbean"),
        ("GL", "western_europe_others"),
        ("VA", "western_europe_others"),
    ],
)
def test_well_known_countries_sit_in_their_un_regional_group(code, region):
    assert region_of(code) == region


def test_there_are_44_least_developed_countries_as_of_the_data_date():
    assert vocabulary.load_json("countries.json")["as_of"] == "2026-11-21"
    assert sum(c.ldc for c in COUNTRIES.values()) == 44


def test_graduated_countries_are_no_longer_ldcs_but_scheduled_ones_still_are():
    assert not COUNTRIES["BT"].ldc and not COUNTRIES["ST"].ldc
    assert COUNTRIES["BD"].ldc and COUNTRIES["LA"].ldc and COUNTRIES["NP"].ldc


def test_there_are_32_landlocked_developing_countries():
    assert sum(c.lldc for c in COUNTRIES.values()) == 32


def test_small_island_developing_states_include_fiji_jamaica_maldives_singapore():
    assert all(COUNTRIES[code].sids for code in ("FJ", "JM", "MV", "SG"))


def test_every_least_developed_country_is_developing():
    assert all(c.developing for c in COUNTRIES.values() if c.ldc)


def test_country_names_come_from_pycountry_preferring_the_common_name():
    assert COUNTRIES["BO"].name == "Bolivia"
    assert COUNTRIES["KE"].name == "Kenya"


def test_lower_case_codes_are_accepted():
    assert region_of("ke") == "africa"


def test_an_unknown_code_raises_key_error():
    with pytest.raises(KeyError, match="XX"):
        region_of("XX")


def test_action_lines_run_c1_to_c7_then_its_sub_lines_then_c8_to_c11():
    codes = list(ACTION_LINES)
    assert codes[:7] == [f"C{n}" for n in range(1, 8)]
    assert all(code.startswith("C7.") for code in codes[7:15])
    assert codes[15:] == ["C8", "C9", "C10", "C11"]


def test_the_c7_family_is_c7_and_its_eight_sub_lines():
    family = action_line_family("C7")
    assert len(family) == 9
    assert family[0] == "C7" and "C7.e-health" in family


def test_a_line_without_sub_lines_is_its_own_family():
    assert action_line_family("C5") == ("C5",)


def test_lead_facilitators_of_well_known_lines():
    assert ACTION_LINES["C5"].facilitators[0] == "ITU"
    assert ACTION_LINES["C3"].facilitators[0] == "UNESCO"


def test_a_country_with_an_unknown_region_names_the_code():
    entries = {"KE": {"region": "africa", **FLAGS}, "XK": {"region": "balkans", **FLAGS}}
    with pytest.raises(ValueError, match=r"countries\.json: XK: unknown region 'balkans'"):
        check_countries("countries.json", entries, REGIONS, {"KE", "XK"})


def test_a_missing_iso_code_is_named():
    entries = {"KE": {"region": "africa", **FLAGS}}
    with pytest.raises(ValueError, match=r"countries\.json: .*\bBR\b"):
        check_countries("countries.json", entries, REGIONS, {"KE", "BR"})


def test_a_code_outside_iso_3166_is_named():
    entries = {"KE": {"region": "africa", **FLAGS}, "XK": {"region": "eastern_europe", **FLAGS}}
    with pytest.raises(ValueError, match="XK is not an ISO 3166-1"):
        check_countries("countries.json", entries, REGIONS, {"KE"})


def test_a_sub_line_whose_parent_is_missing_names_the_sub_line():
    entries = [
        {"code": "C7.e-health", "title": "E-health", "facilitators": ["WHO"], "parent": "C7"},
    ]
    with pytest.raises(ValueError, match=r"action_lines\.json: C7\.e-health: parent 'C7'"):
        parse_action_lines("action_lines.json", entries)


def test_every_vocabulary_file_says_where_its_content_comes_from():
    names = [
        "stakeholder_groups",
        "regions",
        "categories",
        "stages",
        "levels",
        "action_lines",
        "countries",
    ]
    for name in names:
        sources = vocabulary.load_json(f"{name}.json")["sources"]
        assert sources and all(source["url"] for source in sources), name
