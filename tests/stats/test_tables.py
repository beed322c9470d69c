"""The page's table rows written in Python are what the template loops used to render."""

from django.template import Context, Template

from stats.tables import FIGURE_CELLS, figure_rows, ranking_rows

FIGURES = Template(
    """{% for row in rows %}<tr><td class="name">{{ row.name }}</td><td>{{ row.received }}</td>"""
    """<td>{{ row.hidden }}</td><td>{{ row.rejected }}</td><td>{{ row.merged }}</td>"""
    """<td>{{ row.resolved }}</td><td>{{ row.resolved_on_time }}</td>"""
    """<td>{{ row.resolved_with_extension }}</td><td>{{ row.resolved_late }}</td>"""
    """<td>{{ row.median_working_days|default_if_none:"—" }}</td><td>{{ row.overdue_now }}</td>"""
    """<td>{{ row.satisfied }}</td><td>{{ row.acceptable }}</td><td>{{ row.unsatisfied }}</td>"""
    """<td>{{ row.disputed }}</td></tr>{% if not forloop.last %}\n{% endif %}"""
    """{% empty %}<tr><td colspan="15">Chưa có số liệu.</td></tr>{% endfor %}"""
)
RANKING = Template(
    """{% for row in rows %}<tr><td>{{ row.rank|default:"—" }}</td>"""
    """<td class="name">{{ row.name }}</td><td>{{ row.score|default_if_none:"—" }}</td>"""
    """<td>{% if row.timeliness is not None %}{{ row.timeliness|floatformat:3 }}"""
    """{% else %}—{% endif %}</td><td>{% if row.satisfaction is not None %}"""
    """{{ row.satisfaction|floatformat:3 }}{% else %}—{% endif %}</td><td>{{ row.cases }}</td>"""
    """<td>{{ row.rated }}</td><td class="flag">{{ row.flags|join:"; " }}</td></tr>"""
    """{% if not forloop.last %}\n{% endif %}"""
    """{% empty %}<tr><td colspan="8">Chưa có số liệu.</td></tr>{% endfor %}"""
)
COUNTS = dict.fromkeys(FIGURE_CELLS, 12345)


def test_figure_rows_match_the_template():
    rows = [
        {"name": "<b>UBND</b> & Sở", **COUNTS, "median_working_days": 8.5},
        {"name": "Không thuộc huyện cũ nào", **COUNTS, "received": 0, "median_working_days": None},
    ]
    for sample in (rows, []):
        assert figure_rows(sample) == FIGURES.render(Context({"rows": sample}))


def test_ranking_rows_match_the_template():
    rows = [
        {
            "rank": 1,
            "name": "Sở <Xây dựng>",
            "score": 60.0,
            "timeliness": 0.66666,
            "satisfaction": 0.5,
            "cases": 3,
            "rated": 2,
            "flags": [],
        },
        {
            "rank": None,
            "name": "UBND",
            "score": None,
            "timeliness": None,
            "satisfaction": None,
            "cases": 1,
            "rated": 0,
            "flags": ["mẫu nhỏ: 1 phản ánh (cần ≥ 10)", "a < b"],
        },
    ]
    for sample in (rows, []):
        assert ranking_rows(sample) == RANKING.render(Context({"rows": sample}))


def test_rows_with_thousand_separators_match_the_template(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    rows = [{"name": "Xã", **COUNTS, "median_working_days": 1234.5}]
    assert figure_rows(rows) == FIGURES.render(Context({"rows": rows}))
