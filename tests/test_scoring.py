"""The scorer on hand-made cases whose figures are computed by hand (ANNOTATION.md §7).

The spec's example (9 commitments, 8 targets of which 7 distinct spans, 1
deadline, 4 headings, 1 noise line) is the gold throughout.
"""

from __future__ import annotations

import copy
import json

import pytest

from gwr.cli.main import main
from gwr.evaluation.harness import evaluate, evaluate_paths
from gwr.evaluation.scoring import PRF, match
from gwr.schemas import validate_document
from tests.conftest import DATA, ROOT


def _score(gold: dict, pred: dict, text: str):
    return evaluate(validate_document(gold, text), validate_document(pred, text), text)


def test_gold_against_itself_is_perfect(example_gold, example_text):
    figures = _score(example_gold, example_gold, example_text).figures()
    assert figures and all(v == 1.0 for v in figures.values()), {k: v for k, v in figures.items() if v != 1.0}


def test_seed_gold_against_itself_is_perfect(seed_gold, seed_text):
    scores = _score(seed_gold, seed_gold, seed_text)
    assert all(v == 1.0 for v in scores.figures().values())
    assert scores.counters["commitments_lenient"].tp == 233 and scores.errors == []


@pytest.mark.parametrize("removed", [[0], [3, 4], [0, 5, 7, 8]], ids=["k=1", "k=2", "k=4"])
def test_removing_k_commitments_gives_recall_n_minus_k_over_n(example_gold, example_text, removed):
    pred = copy.deepcopy(example_gold)
    pred["commitments"] = [c for i, c in enumerate(pred["commitments"]) if i not in removed]
    scores = _score(example_gold, pred, example_text)
    lenient = scores.counters["commitments_lenient"]
    assert (lenient.tp, lenient.fp, lenient.fn) == (9 - len(removed), 0, len(removed))
    assert lenient.r == pytest.approx((9 - len(removed)) / 9) and lenient.p == 1.0
    assert [e.text for e in scores.errors if e.category == "commitment"] == \
        [example_gold["commitments"][i]["text"] for i in removed]


def test_shifted_span_below_half_iou_is_missed_and_extra(example_gold, example_text):
    pred = copy.deepcopy(example_gold)
    # c4 实施重点项目500个 is [178, 188]; [184, 195] overlaps 4 of a union of 17 characters
    pred["commitments"][3].update(span=[184, 195], text=example_text[184:195])
    pred["commitments"][3]["quantities"] = []
    scores = _score(example_gold, pred, example_text)
    lenient = scores.counters["commitments_lenient"]
    assert (lenient.tp, lenient.fp, lenient.fn) == (8, 1, 1)
    kinds = [(e.category, e.kind, e.span) for e in scores.errors if e.category == "commitment"]
    assert kinds == [("commitment", "missed", (178, 188)), ("commitment", "extra", (184, 195))]


def test_shifted_span_above_half_iou_is_lenient_but_not_strict(example_gold, example_text):
    pred = copy.deepcopy(example_gold)
    pred["commitments"][3].update(span=[178, 186], text=example_text[178:186])  # 8/10 of the gold span
    pred["commitments"][3]["quantities"][0].update(span=[184, 186], text="50", value=50, base_value=50)
    scores = _score(example_gold, pred, example_text)
    assert scores.counters["commitments_lenient"].tp == 9
    strict = scores.counters["commitments_strict"]
    assert (strict.tp, strict.fp, strict.fn) == (8, 1, 1)
    targets = scores.counters["targets"]  # the quantity overlaps but its value 50 is wrong
    assert (targets.tp, targets.fp, targets.fn) == (7, 1, 1)
    assert scores.counters["targets.value"].correct == 7 and scores.counters["targets.value"].total == 8


def test_wrong_comparator_fails_the_target_but_keeps_the_commitment(example_gold, example_text):
    pred = copy.deepcopy(example_gold)
    pred["commitments"][0]["quantities"][0]["comparator"] = "eq"
    scores = _score(example_gold, pred, example_text)
    assert scores.counters["commitments_lenient"].tp == 9
    targets = scores.counters["targets"]
    assert (targets.tp, targets.fp, targets.fn) == (7, 1, 1)
    assert targets.p == pytest.approx(7 / 8) and targets.r == pytest.approx(7 / 8)
    comparator = scores.counters["targets.comparator"]
    assert (comparator.correct, comparator.total) == (7, 8)
    assert scores.counters["targets.value"].acc == 1.0
    missed = [e for e in scores.errors if e.category == "target" and e.kind == "missed"]
    assert missed[0].text == "5%左右" and "gold 5 percent approx change vs pred 5 percent eq change" in missed[0].detail


def test_prediction_outside_annotated_regions_is_ignored(example_gold, example_text):
    gold = copy.deepcopy(example_gold)
    gold["report"]["annotated_regions"] = [[103, 252]]  # targets and tasks, not the review
    pred = copy.deepcopy(gold)
    review = {"id": "c99", "section": "s1", "span": [59, 70], "text": example_text[59:70], "action": "增长",
              "object": "地区生产总值", "indicator": "gdp_growth", "strength": "default"}
    pred["commitments"].insert(0, review)
    scores = _score(gold, pred, example_text)
    assert scores.counters["commitments_lenient"].fp == 0
    # inside an annotated region with no gold commitment, a prediction is wrong
    gold["report"]["annotated_regions"] = [[46, 252]]
    pred["report"]["annotated_regions"] = [[46, 252]]
    assert _score(gold, pred, example_text).counters["commitments_lenient"].fp == 1


def test_deadline_counts_only_with_its_commitment_and_date(example_gold, example_text):
    pred = copy.deepcopy(example_gold)
    pred["commitments"][5]["deadline"]["date"] = "2026-12-31"
    deadlines = _score(example_gold, pred, example_text).counters["deadlines"]
    assert (deadlines.tp, deadlines.fp, deadlines.fn) == (0, 1, 1)


def test_headings_parents_roles_noise_and_title(example_gold, example_text):
    pred = copy.deepcopy(example_gold)
    pred["sections"][3]["parent"] = None          # （一） no longer under 三、
    pred["sections"][1]["role"] = "tasks"         # 主要预期目标 as tasks
    pred["sections"][0]["heading"] = [48, 57]     # heading without its numbering: wrong span
    pred["noise"][0]["kind"] = "byline"
    pred["report"]["title"] = None
    scores = _score(example_gold, pred, example_text)
    headings = scores.counters["headings"]
    assert (headings.tp, headings.fp, headings.fn) == (3, 1, 1)
    assert (scores.counters["headings.parent"].correct, scores.counters["headings.parent"].total) == (2, 3)
    assert (scores.counters["headings.role"].correct, scores.counters["headings.role"].total) == (2, 3)
    noise = scores.counters["noise"]
    assert (noise.tp, noise.fp, noise.fn) == (0, 1, 1)
    assert scores.counters["title"].acc == 0.0


def test_action_indicator_strength_accuracy(example_gold, example_text):
    pred = copy.deepcopy(example_gold)
    pred["commitments"][1]["action"] = "收入"
    pred["commitments"][2]["indicator"] = None
    pred["commitments"][6]["strength"] = "default"
    pred["commitments"][3]["indicator"] = "fai_level"  # predicted where gold has null: wrong
    figures = _score(example_gold, pred, example_text).figures()
    assert figures["action.acc"] == pytest.approx(8 / 9)
    assert figures["indicator.acc"] == pytest.approx(7 / 9)
    assert figures["strength.acc"] == pytest.approx(8 / 9)


def _write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_two_files_micro_average(example_gold, tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "pred").mkdir()
    example_gold["report"]["source"] = str(DATA / "example-2026.txt")
    gold_b = copy.deepcopy(example_gold)
    gold_b["report"]["id"] = "example-b"
    pred_a = copy.deepcopy(example_gold)
    pred_a["commitments"] = pred_a["commitments"][:6]            # 6 of 9: fn=3
    pred_b = copy.deepcopy(gold_b)
    pred_b["commitments"].append(dict(pred_b["commitments"][0], id="c10", span=[59, 73],
                                      text="全市地区生产总值增长5.2%", quantities=[]))  # fp=1
    _write(tmp_path / "gold" / "a.json", example_gold)
    _write(tmp_path / "gold" / "b.json", gold_b)
    _write(tmp_path / "pred" / "x.json", pred_a)
    _write(tmp_path / "pred" / "y.json", pred_b)
    scores, warnings = evaluate_paths(tmp_path / "gold", tmp_path / "pred")
    lenient = scores.counters["commitments_lenient"]
    assert (lenient.tp, lenient.fp, lenient.fn) == (15, 1, 3) and warnings == []
    assert lenient.p == pytest.approx(15 / 16) and lenient.r == pytest.approx(15 / 18)
    assert scores.documents == 2


def test_missing_prediction_counts_every_gold_item_as_missed(example_gold, tmp_path):
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    gold = copy.deepcopy(example_gold)
    gold["report"]["source"] = str(DATA / "example-2026.txt")
    _write(gold_dir / "a.json", gold)
    scores, warnings = evaluate_paths(gold_dir, pred_dir)
    assert warnings == ["example-2026: no prediction; every gold item counts as missed"]
    assert scores.counters["commitments_lenient"].fn == 9 and scores.counters["headings"].fn == 4


def test_cli_eval_gates_on_bars_and_writes_json(tmp_path, capsys):
    gold = str(ROOT / "gold" / "zhengzhou-2025.json")
    out = tmp_path / "figures.json"
    assert main(["eval", gold, gold, "--json", str(out), "--min", "targets.f=1.0"]) == 0
    assert json.loads(out.read_text())["commitments_lenient.f"] == 1.0
    data = json.loads((ROOT / "gold" / "zhengzhou-2025.json").read_text(encoding="utf-8"))
    data["commitments"] = data["commitments"][:-33]   # 200 of 233 commitments left
    pred = tmp_path / "pred.json"
    _write(pred, data)
    assert main(["eval", gold, str(pred), "--min", "commitments_lenient.r=0.9"]) == 1
    captured = capsys.readouterr()
    assert "below the bar: commitments_lenient.r = 0.858 < 0.9" in captured.err
    assert "commitments_lenient         1.000  0.858  0.924          tp=200 fp=0 fn=33" in captured.out


def test_cli_eval_refuses_an_unknown_figure(capsys):
    gold = str(ROOT / "gold" / "zhengzhou-2025.json")
    with pytest.raises(SystemExit) as exit_:
        main(["eval", gold, gold, "--min", "target.f=0.9"])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert "error: --min: unknown figure 'target.f'" in captured.err
    assert captured.out == ""  # refused before anything was scored


def test_prf_adds_up_and_handles_empty_sides():
    a, b = PRF(3, 1, 0), PRF(1, 0, 2)
    a += b
    assert (a.tp, a.fp, a.fn) == (4, 1, 2) and a.f == pytest.approx(2 * (4 / 5) * (4 / 6) / (4 / 5 + 4 / 6))
    assert PRF().f == 1.0 and PRF(0, 2, 0).p == 0.0


def test_match_prefers_the_largest_overlap():
    gold = [(0, 10), (10, 20)]
    pred = [(5, 18), (0, 6)]
    assert match(gold, pred) == [(0, 1), (1, 0)]


# -- version 2: period, per_year/decrease, indicator targets (§7.6, §7.8) and outcomes (§7.9) ------------
# The v2 example: 11 commitments, 6 of them with an indicator (6 indicator-target tuples), 5 outcomes.
def test_v2_gold_against_itself(example2_gold, example2_text):
    figures = _score(example2_gold, example2_gold, example2_text).figures()
    assert {k: figures[k] for k in ("period.acc", "indicator_targets.f", "outcomes_matched.f", "outcomes.f",
                                    "indicator_outcomes.f", "targets.per_year", "targets.decrease")} == \
        {"period.acc": 1.0, "indicator_targets.f": 1.0, "outcomes_matched.f": 1.0, "outcomes.f": 1.0,
         "indicator_outcomes.f": 1.0, "targets.per_year": 1.0, "targets.decrease": 1.0}


def test_a_plan_target_given_the_report_year(example2_gold, example2_text):
    """地区生产总值年均增长5%左右 predicted for 2026 alone: period 10/11; its tuple is one miss and one extra."""
    pred = copy.deepcopy(example2_gold)
    pred["commitments"][0]["period"] = [2026, 2026]
    scores = _score(example2_gold, pred, example2_text)
    assert scores.counters["period"].counts() == "10/11"
    t = scores.counters["indicator_targets"]
    assert (t.tp, t.fp, t.fn) == (5, 1, 1) and round(t.f, 4) == round(5 / 6, 4)
    assert [e.detail for e in scores.errors if e.category == "period"] == ["gold 2026-2030 vs pred 2026-2026"]
    assert [e.kind for e in scores.errors if e.category == "ind_target"] == ["missed", "extra"]


def test_per_year_and_decrease_are_field_accuracies(example2_gold, example2_text):
    pred = copy.deepcopy(example2_gold)
    pred["commitments"][0]["quantities"][0]["per_year"] = False
    scores = _score(example2_gold, pred, example2_text)
    assert scores.counters["targets.per_year"].counts() == "9/10"   # 10 target pairs (各 shares one span)
    assert scores.counters["targets.decrease"].counts() == "10/10"
    assert scores.counters["indicator_targets"].tp == 5


def test_outcomes_missed_and_wrong(example2_gold, example2_text):
    """Drop one outcome (recall 4/5) and give another the wrong period (matched, not correct)."""
    pred = copy.deepcopy(example2_gold)
    del pred["outcomes"][4]                       # 新增高新技术企业1200家
    pred["outcomes"][3]["period"] = [2025, 2025]  # 地区生产总值年均增长5.6%: the plan period, not last year
    scores = _score(example2_gold, pred, example2_text)
    m, c, ind = (scores.counters[k] for k in ("outcomes_matched", "outcomes", "indicator_outcomes"))
    assert (m.tp, m.fp, m.fn) == (4, 0, 1)
    assert (c.tp, c.fp, c.fn) == (3, 1, 2) and round(c.f, 4) == round(2 * 0.75 * 0.6 / 1.35, 4)
    assert (ind.tp, ind.fp, ind.fn) == (3, 1, 2)
    assert ("outcome", "wrong", "period: gold 2021-2025 vs pred 2025-2025") in \
        [(e.category, e.kind, e.detail) for e in scores.errors]


def test_predicted_outcomes_outside_the_regions_are_ignored(example2_gold, example2_text):
    gold = copy.deepcopy(example2_gold)
    gold["report"]["annotated_regions"] = [[145, 375]]  # the targets and tasks parts only
    gold["outcomes"] = []
    scores = _score(gold, example2_gold, example2_text)
    assert (scores.counters["outcomes"].fp, scores.counters["outcomes_matched"].fp) == (0, 0)


def test_v1_gold_leaves_the_v2_fields_out(example_gold, example_text, example2_gold):
    """A version-1 gold: no period or per_year figure, no outcome figures; the panel tuples use the fields
    it knows (indicator, value, value_max, base_unit, comparator)."""
    pred = copy.deepcopy(example_gold)
    pred["schema_version"] = "2"
    for c in pred["commitments"]:
        c["period"] = [2026, 2026]
        for q in c["quantities"]:
            q.update(per_year=False, decrease=False)
    scores = _score(example_gold, pred, example_text)
    assert scores.counters["period"].total == 0 and scores.counters["targets.per_year"].total == 0
    assert "outcomes" not in scores.counters
    t = scores.counters["indicator_targets"]
    assert (t.tp, t.fp, t.fn) == (4, 0, 0)


# -- hostile gold and prediction files: typed errors, never a traceback (issue 15) -----------------------
HOSTILE = [
    (lambda d: d["commitments"][0]["quantities"][0].update(value=float("nan")),
     "commitments[0].quantities[0].value: Input should be a finite number"),
    (lambda d: d["commitments"][0]["quantities"][0].update(base_value=float("inf")),
     "commitments[0].quantities[0].base_value: Input should be a finite number"),
    (lambda d: d["commitments"][0].update(span=[-1.0, 5.0]),
     "commitments[0].span: span [-1, 5] is not [start, end) with 0 <= start <= end"),
    (lambda d: d["sections"][0].update(parent="s1"), "sections[0].parent: 's1' is its own parent"),
    (lambda d: (d["sections"][0].update(parent="s4"), d["sections"][3].update(parent="s1")),
     "sections[0].parent: a cycle of parents: s1 -> s4 -> s1"),
]


@pytest.mark.parametrize("edit,message", HOSTILE, ids=[m.split(":")[0] + f"-{i}" for i, (_, m) in enumerate(HOSTILE)])
def test_hostile_documents_are_refused_with_a_located_message(example2_gold, example2_text, edit, message):
    from gwr.schemas import SchemaError

    data = copy.deepcopy(example2_gold)
    edit(data)
    with pytest.raises(SchemaError) as info:
        validate_document(data, example2_text)
    assert message in info.value.errors


def test_deeply_nested_json_is_a_schema_error(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["eval", str(path), str(path)]) == 4
    assert "nested too deeply" in capsys.readouterr().err


def test_eval_refuses_to_run_without_the_source_text(tmp_path, example2_gold, capsys):
    gold = copy.deepcopy(example2_gold)
    gold["report"]["source"] = "nowhere/report.txt"
    path = tmp_path / "g.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", str(path), str(path)]) == 3
    assert "its source text 'nowhere/report.txt' was not found" in capsys.readouterr().err


def test_two_gold_files_for_one_report_are_an_error(tmp_path, capsys):
    folder = tmp_path / "gold"
    folder.mkdir()
    for name in ("a.json", "b.json"):
        (folder / name).write_bytes((ROOT / "gold" / "zhengzhou-2025.json").read_bytes())
    assert main(["eval", str(folder), str(folder)]) == 3
    assert "are both gold for report 'zhengzhou-2025': keep one" in capsys.readouterr().err
