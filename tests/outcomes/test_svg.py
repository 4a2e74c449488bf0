"""The SVG helper: titled, described, escaped, and free of inline style."""

import re
from datetime import date, timedelta

from outcomes import svg

D = date(2026, 3, 2)


def _line(**kwargs):
    defaults = {
        "title": "BAM Risk <over> time",
        "desc": "3 measurements & a band",
        "start": D,
        "end": D + timedelta(14),
        "y_max": 24,
        "series": [
            svg.Series("7-day BAM", [(D, 5), (D + timedelta(7), 12), (D + timedelta(14), 20)])
        ],
        "shades": [svg.Shade(12, 24, "high (12-24)", "band-alert")],
        "markers": [svg.Marker(D + timedelta(7), "IOP (stepped down)")],
    }
    return svg.line_chart(**{**defaults, **kwargs})


def test_a_line_chart_has_its_title_and_description_first_and_escaped():
    image = str(_line())
    assert image.startswith("<svg")
    assert 'role="img"' in image
    title = re.search(r'<title id="(chart-\d+-t)">([^<]*)</title>', image)
    desc = re.search(r'<desc id="(chart-\d+-d)">([^<]*)</desc>', image)
    assert title and title.group(2) == "BAM Risk &lt;over&gt; time"
    assert desc and desc.group(2) == "3 measurements &amp; a band"
    assert f'aria-labelledby="{title.group(1)} {desc.group(1)}"' in image


def test_it_draws_the_band_the_marker_the_line_and_a_point_each():
    image = str(_line())
    assert image.count('class="band-alert"') == 1
    assert 'class="marker"' in image and "IOP (stepped down)" in image
    assert image.count("<polyline") == 1
    assert image.count("<circle") == 3
    assert "7-day BAM, Mar 9, 2026: 12" in image


def test_no_inline_style_or_script():
    for image in (
        _line(),
        svg.bar_chart(
            title="t", desc="d", bars=[svg.Bar("IOP", 7), svg.Bar("OP", None, "fewer than 5")]
        ),
    ):
        assert "style" not in str(image)
        assert "<script" not in str(image)


def test_a_hidden_bar_is_an_outline_with_its_text():
    image = str(svg.bar_chart(title="t", desc="d", bars=[svg.Bar("OP", None, "fewer than 5")]))
    assert 'class="bar-hidden"' in image
    assert "OP: fewer than 5" in image


def test_values_above_the_top_stay_inside_the_chart():
    image = str(_line(series=[svg.Series("x", [(D, 99)])]))
    cy = float(re.search(r'cy="([\d.]+)"', image).group(1))
    assert cy >= svg.TOP
