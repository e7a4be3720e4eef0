"""The window's statistics page: stages in words (zh-CN / English), and "—" where nothing has
been measured yet rather than a misleading 0 %."""

from __future__ import annotations

from drawreview.web.i18n import t


def _section(html: str, title: str) -> str:
    return html.split(title, 1)[1].split("</section>", 1)[0]


def test_stats_page_names_stages_and_shows_no_rate_before_any_conclusion(stack, client):
    headers = stack.token_headers("window")
    data = client.get("/api/stats", headers=headers).json()["data"]
    stages = data["projects"]["by_stage"]
    assert stages  # the demo project is counted
    unrated = sum(1 for d in data["disciplines"] if d["on_time_rate"] is None)
    assert unrated  # nothing concluded yet in the demo
    for lang, title in (("zh-CN", "项目（按阶段）"), ("en", "Projects by stage")):
        client.get(f"/lang/{lang}", headers={**headers, "referer": "/stats"})
        html = client.get("/stats", headers=headers).text
        chart = _section(html, title)
        for stage in stages:
            assert f">{t('submission.state.' + stage, lang)}<" in chart and f">{stage}<" not in chart
        on_time = _section(html, t("stats.on_time", lang))
        assert on_time.count(">—<") == unrated and ">0%<" not in on_time
    client.get("/lang/zh-CN", headers=headers)
