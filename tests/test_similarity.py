"""Prose copied between agencies (issue 17): near-duplicates found across a corpus, the standard
sentences every report writes never counted as copying, another year of one's own report never
reported."""

from __future__ import annotations

import re

import pytest

import nianbao
from nianbao.similarity import Prose, copies
from tests.conftest import FILES, SAMPLE_2019, SAMPLES

PREFACE = "本报告根据《中华人民共和国政府信息公开条例》规定编制，报告中所列数据统计期限自1月1日起至12月31日止。"


@pytest.fixture(scope="module")
def real() -> list[Prose]:
    paths = [*sorted(SAMPLES.glob("*.txt")), SAMPLE_2019, FILES / "huaian-2024.pdf"]
    reports = [nianbao.parse(p) for p in paths]
    return [
        Prose(p.name, r.agency or p.name, "\n".join(s.text for s in r.sections))
        for p, r in zip(paths, reports, strict=True)
    ]


def test_real_reports_of_different_agencies_are_not_copies(real: list[Prose]) -> None:
    assert copies(real) == []


def test_a_copy_with_other_numbers_and_name_is_found(real: list[Prose]) -> None:
    source = real[1]
    text = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), source.text.replace("孟津区", "新安县"))
    found = copies([*real, Prose("copied.txt", "410323/科技和工业信息化局", text)])
    assert [(c.a, c.b) for c in found] == [(source.key, "copied.txt")]
    assert found[0].similarity == pytest.approx(1.0)


def test_another_year_of_the_same_agency_is_not_a_copy(real: list[Prose]) -> None:
    source = real[1]
    assert copies([*real, Prose("next-year.txt", source.agency, source.text)]) == []


def test_shared_boilerplate_alone_is_not_copying() -> None:
    bodies = [
        "今年我局围绕优化营商环境，推进行政审批信息公开，在门户网站开设专栏，发布政策解读文章多篇，组织开展培训。",
        "本年度本机关重点做好教育领域信息公开，规范招生考试信息发布，及时回应家长关切，完善依申请公开办理流程。",
        "区卫生健康委聚焦医疗服务价格与疫苗接种信息，强化平台建设，开展新闻发布会，推动基层政务公开标准化建设。",
        "县交通运输局围绕公路建设项目信息公开，公示招投标结果与施工许可，及时更新重点工程进度，接受社会监督。",
        "市场监管部门加强食品安全抽检信息公开，按月发布抽检结果，公开行政处罚决定书，提升监管透明度与公信力。",
    ]
    reports = [Prose(f"r{i}", f"agency{i}", PREFACE * 3 + body * 2) for i, body in enumerate(bodies)]
    assert copies(reports) == []


def test_one_match_per_report_however_many_share_a_text(real: list[Prose]) -> None:
    from nianbao.similarity import closest

    source = real[1]
    clones = [Prose(f"c{i}", f"agency{i}", source.text.replace("孟津区", f"第{i}区")) for i in range(4)]
    pairs = copies([*real, *clones])
    assert len(pairs) == 10  # five texts alike: every pair
    matches = closest(pairs)
    assert [m.key for m in matches] == sorted([source.key, "c0", "c1", "c2", "c3"])
    assert all(m.others == 3 for m in matches)
