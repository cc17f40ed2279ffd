"""Server-rendered SVG charts: well-formed, labelled for assistive technology, escaped,
proportional, deterministic, and strict about their input."""

import math
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from clearinghouse.charts import PALETTE, bars, percent, plain, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"
REGIONS = {"africa": "Africa", "asia_pacific": "Asia-Pacific", "eastern_europe": "Eastern Europe",
           "latin_america_caribbean": "Latin America and Caribbean",
           "western_europe_others": "Western Europe and others"}
TEXTS = {"title": "Participation", "description": "Participants by group and region."}


def parse(svg):
    root = ET.fromstring(str(svg))  # noqa: S314 — our own output, not untrusted input
    assert root.tag == f"{SVG}svg"
    return root


def row_groups(root, legend=False):
    groups = root.findall(f"{SVG}g")
    return groups[1:] if legend else groups


def widths(group):
    return [float(rect.get("width")) for rect in group.findall(f"{SVG}rect")]


def texts(group):
    return [text.text for text in group.findall(f"{SVG}text")]


def power_chart(rows, **options):
    return bars(rows, id_prefix="bloc-power", title="Bloc power",
                description="Banzhaf index of each group.", **options)


def participation(rows, **options):
    return stacked_bars(rows, id_prefix="participation", segment_labels=REGIONS,
                        **TEXTS, **options)


GROUPS = [("Government", [("africa", 3), ("asia_pacific", 2), ("western_europe_others", 5)]),
          ("Civil society", [("eastern_europe", 1), ("africa", 4)]),
          ("Technical and academic", [])]


def test_a_bar_chart_is_an_svg_image_labelled_by_its_own_title_and_description():
    root = parse(power_chart([("Government", 0.5)]))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "bloc-power-title bloc-power-desc"
    assert root.find(f"{SVG}title").attrib == {"id": "bloc-power-title"}
    assert root.find(f"{SVG}title").text == "Bloc power"
    assert root.find(f"{SVG}desc").get("id") == "bloc-power-desc"
    assert root.find(f"{SVG}desc").text == "Banzhaf index of each group."


def test_a_stacked_chart_is_an_svg_image_labelled_by_its_own_title_and_description():
    root = parse(participation(GROUPS))
    ids = root.get("aria-labelledby").split()
    assert root.get("role") == "img"
    assert [root.find(f"{SVG}{tag}").get("id") for tag in ("title", "desc")] == ids
    assert root.find(f"{SVG}desc").text == TEXTS["description"]


@pytest.mark.parametrize("chart", [power_chart([("a", 1)]), participation(GROUPS)])
def test_charts_scale_to_their_container_and_load_nothing_from_outside(chart):
    root = parse(chart)
    assert isinstance(chart, Markup)
    assert root.get("viewBox").startswith("0 0 360 ")
    assert root.get("width") == "100%"
    assert root.get("preserveAspectRatio") == "xMinYMin meet"
    assert not {"script", "image", "style", "foreignObject", "use"} & {
        element.tag.removeprefix(SVG) for element in root.iter()}
    assert "href" not in chart and "url(" not in chart and "@import" not in chart


def test_five_groups_by_five_regions_stay_under_four_kilobytes():
    rows = [(f"Group {i}", [(key, 10 + i + j) for j, key in enumerate(REGIONS)])
            for i in range(5)]
    assert len(participation(rows).encode()) < 4096


def test_labels_titles_and_values_from_users_come_out_escaped():
    hostile = "<script>alert(1)</script> & co"
    chart = str(bars([(hostile, 1)], id_prefix="x", title=hostile, description=hostile,
                     value_label=lambda value: "<b>&"))
    stacked = str(stacked_bars([(hostile, [("k", 1)])], id_prefix="y", title="t",
                               description="d", segment_labels={"k": hostile}))
    for svg in (chart, stacked):
        assert "<script" not in svg and "<b>" not in svg
        assert "&lt;script&gt;" in svg and "&amp; co" in svg
    root = parse(chart)
    assert root.find(f"{SVG}title").text == hostile
    assert texts(row_groups(root)[0]) == [hostile, "<b>&"]


def test_a_label_too_long_for_a_phone_is_shortened_with_an_ellipsis():
    label = "A multistakeholder working group on the governance of the internet"
    (group,) = row_groups(parse(power_chart([(label, 1)])))
    assert texts(group)[0].endswith("…")
    assert label.startswith(texts(group)[0][:-1])


def test_bar_widths_are_proportional_to_the_values_and_the_largest_fills_the_bar():
    groups = row_groups(parse(power_chart([("a", 4), ("b", 2), ("c", 1)])))
    (full,), (half,), (quarter,) = (widths(group) for group in groups)
    assert (half / full, quarter / full) == (0.5, 0.25)
    assert [texts(group)[-1] for group in groups] == ["4", "2", "1"]


def test_a_given_maximum_sets_the_scale_and_values_are_written_at_the_bars_end():
    chart = power_chart([("Government", 0.5), ("Civil society", 0.125)], maximum=1,
                        value_label=percent)
    full = widths(row_groups(parse(power_chart([("x", 1)])))[0])[0]
    groups = row_groups(parse(chart))
    assert [widths(group) for group in groups] == [[full / 2], [full / 8]]
    for group, value in zip(groups, ["50%", "12.5%"], strict=True):
        rect, text = group.find(f"{SVG}rect"), group.findall(f"{SVG}text")[-1]
        assert text.text == value
        assert float(text.get("x")) > float(rect.get("x")) + float(rect.get("width"))


def test_all_zero_values_draw_no_bar_but_still_label_every_row():
    groups = row_groups(parse(power_chart([("Government", 0), ("Civil society", 0.0)])))
    assert [widths(group) for group in groups] == [[], []]
    assert [texts(group) for group in groups] == [["Government", "0"], ["Civil society", "0"]]


@pytest.mark.parametrize(("value", "text"), [(3, "3"), (2.5, "2.5"), (1 / 3, "0.33"),
                                             (100.0, "100"), (0, "0")])
def test_the_plain_value_label_drops_needless_decimals(value, text):
    assert plain(value) == text


@pytest.mark.parametrize(("value", "text"), [(0.5, "50%"), (1 / 3, "33.3%"), (1, "100%"),
                                             (0, "0%"), (0.125, "12.5%")])
def test_the_percent_value_label_shows_a_share_to_one_decimal_at_most(value, text):
    assert percent(value) == text


def test_stacked_segments_follow_segment_labels_order_and_sum_to_the_row_bar():
    groups = row_groups(parse(participation(GROUPS)), legend=True)
    fills = [[rect.get("fill") for rect in group.findall(f"{SVG}rect")] for group in groups]
    assert fills == [[PALETTE[0], PALETTE[1], PALETTE[4]], [PALETTE[0], PALETTE[2]], []]
    government, civil_society, _ = (widths(group) for group in groups)
    assert government[0] / sum(government) == pytest.approx(3 / 10)
    assert sum(civil_society) / sum(government) == pytest.approx(5 / 10)
    assert sum(government) == widths(row_groups(parse(power_chart([("x", 1)])))[0])[0]


def test_stacked_segments_sit_end_to_end_without_gaps():
    groups = row_groups(parse(participation(GROUPS)), legend=True)
    rects = groups[0].findall(f"{SVG}rect")
    for before, after in pairwise(rects):
        end = float(before.get("x")) + float(before.get("width"))
        assert float(after.get("x")) == pytest.approx(end)


def test_each_stacked_row_shows_its_label_and_total_even_when_empty():
    groups = row_groups(parse(participation(GROUPS)), legend=True)
    assert [texts(group) for group in groups] == [
        ["Government", "10"], ["Civil society", "5"], ["Technical and academic", "0"]]


def test_the_legend_names_every_segment_with_its_colour_and_total_in_order():
    legend = row_groups(parse(participation(GROUPS)))[0]
    assert [rect.get("fill") for rect in legend.findall(f"{SVG}rect")] == list(PALETTE[:5])
    assert texts(legend) == ["Africa: 7", "Asia-Pacific: 2", "Eastern Europe: 1",
                             "Latin America and Caribbean: 0", "Western Europe and others: 5"]


def test_a_stacked_chart_where_every_row_is_empty_draws_no_bar():
    groups = row_groups(parse(participation([("Government", []), ("Civil society", [])])),
                        legend=True)
    assert [widths(group) for group in groups] == [[], []]
    assert [texts(group) for group in groups] == [["Government", "0"], ["Civil society", "0"]]


def test_the_palette_has_enough_contrast_against_white_for_bars():
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert len(PALETTE) >= 5
    assert all(1.05 / (luminance(colour) + 0.05) >= 3 for colour in PALETTE)
    assert 1.05 / (luminance("#222222") + 0.05) >= 4.5


def test_the_same_input_gives_the_same_bytes():
    assert str(participation(GROUPS)) == str(participation([tuple(row) for row in GROUPS]))
    assert str(power_chart([("a", 0.3), ("b", 0.7)])) == str(power_chart([("a", 0.3),
                                                                           ("b", 0.7)]))


@pytest.mark.parametrize("id_prefix", ["", "Power", "1power", "power_chart", "a b", "x\n",
                                       'x"onload="'])
def test_an_id_prefix_that_is_not_lowercase_letters_digits_and_hyphens_is_refused(id_prefix):
    with pytest.raises(ValueError, match="id_prefix"):
        bars([("a", 1)], id_prefix=id_prefix, title="t", description="d")
    with pytest.raises(ValueError, match="id_prefix"):
        stacked_bars([], id_prefix=id_prefix, title="t", description="d", segment_labels={})


@pytest.mark.parametrize("value", [-1, -0.5, math.nan, math.inf, "3", None, True])
def test_a_negative_or_non_numeric_bar_value_is_refused_naming_its_row(value):
    with pytest.raises(ValueError, match="row 'Civil society'"):
        power_chart([("Government", 1), ("Civil society", value)])


@pytest.mark.parametrize("maximum", [0, -1, math.nan])
def test_a_maximum_that_leaves_no_scale_is_refused(maximum):
    with pytest.raises(ValueError, match="maximum"):
        power_chart([("Government", 1)], maximum=maximum)


@pytest.mark.parametrize("value", [-1, math.nan])
def test_a_negative_or_nan_segment_is_refused_naming_its_row_and_segment(value):
    with pytest.raises(ValueError, match="row 'Civil society', segment 'africa'"):
        participation([("Government", []), ("Civil society", [("africa", value)])])


def test_a_segment_missing_from_segment_labels_is_refused_naming_its_row():
    with pytest.raises(ValueError, match="row 'Government': segment 'antarctica'"):
        participation([("Government", [("antarctica", 1)])])


def test_more_segments_than_the_palette_has_colours_are_refused():
    labels = {f"s{i}": f"S{i}" for i in range(len(PALETTE) + 1)}
    with pytest.raises(ValueError, match="segment_labels"):
        stacked_bars([], id_prefix="p", title="t", description="d", segment_labels=labels)


counts = st.integers(min_value=0, max_value=10_000)
tables = st.lists(st.tuples(st.text(max_size=60), st.lists(
    st.tuples(st.sampled_from(list(REGIONS)), counts), max_size=8)), max_size=8)


@given(tables)
def test_any_table_parses_and_every_row_spans_its_share_of_the_longest(rows):
    groups = row_groups(parse(participation(rows)), legend=True)
    totals = [sum(count for _, count in segments) for _, segments in rows]
    longest = max([sum(widths(group)) for group in groups], default=0)
    for group, total in zip(groups, totals, strict=True):
        share = total / max(totals) if max(totals) else 0
        assert sum(widths(group)) == pytest.approx(longest * share, abs=0.02)
        assert texts(group)[-1] == str(total)
