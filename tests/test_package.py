"""gwr as a package: what a wheel installs, the layers, spaCy's loading and storing, the CLI's conventions."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import typing
import zipfile
from pathlib import Path

import pytest

import gwr
from gwr.cli import main
from gwr.cli.main import build_parser
from gwr.schemas import document as schema

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "zhengzhou-2025.txt"
TARGETS = "一、2025年主要目标\n地区生产总值增长6%左右，力争城镇新增就业10万人。\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The project's wheel, built from this checkout and unpacked as a site-packages folder."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(out.glob("gwr-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extractall(out / "site")
        (out / "site" / "NAMES").write_text("\n".join(z.namelist()), encoding="utf-8")
    return out / "site"


def _run(code: str, pythonpath: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=cwd or ROOT.parent)


# -- what is installed -----------------------------------------------------------------------------------

def test_the_wheel_installs_one_package_gwr_with_its_data(site):
    names = (site / "NAMES").read_text(encoding="utf-8").splitlines()
    assert {n.split("/")[0] for n in names} == {"gwr", f"gwr-{gwr.__version__}.dist-info"}
    for data in ("gwr/data/verbs.tsv", "gwr/data/divisions.tsv", "gwr/schemas/data/units.tsv",
                 "gwr/schemas/data/indicators.tsv"):
        assert data in names
    assert not any(n.startswith(("pipeline/", "schemas/")) for n in names)


def test_gwr_imports_from_the_wheel_alone(site):
    code = ("import gwr, importlib.util; print(gwr.__version__); print(gwr.__file__); "
            "print(importlib.util.find_spec('pipeline'), importlib.util.find_spec('schemas'))")
    out = _run(code, pythonpath=site, cwd=site.parent).stdout.splitlines()
    assert out[0] == gwr.__version__ != "0+unknown"
    assert out[1] == str(site / "gwr" / "__init__.py")
    assert out[2] == "None None"


def test_the_public_names_are_functions_and_submodules_are_modules():
    import gwr.schemas.vocabulary as vocabulary

    assert [gwr.extract.__name__, gwr.build_nlp.__name__, gwr.extract_file.__name__, gwr.evaluate.__name__] == [
        "extract", "build_nlp", "extract_file", "evaluate"]
    assert type(vocabulary).__name__ == "module" and callable(vocabulary.tables)
    with pytest.raises(AttributeError, match="module 'gwr' has no attribute 'nope'"):
        gwr.nope  # noqa: B018


def test_extract_file_reads_metadata_beside_the_file():
    doc = gwr.extract_file(SEED)
    assert (doc.report.id, doc.report.place, doc.report.level, doc.report.year, doc.report.source) == (
        "zhengzhou-2025", "郑州市", "city", 2025, str(SEED))
    assert len(doc.commitments) == 233


# -- the layers ---------------------------------------------------------------------------------------------

def _lint(site: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    env = dict(os.environ, PYTHONPATH=str(site))
    return subprocess.run([exe, str(ROOT / "pyproject.toml")], capture_output=True, text=True, env=env,
                          cwd=site.parent)


def test_import_contracts_are_kept(site):
    result = _lint(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_import_contracts_catch_a_schema_that_imports_the_cli(site, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site / "gwr", broken / "gwr")
    (broken / "gwr" / "schemas" / "_leak.py").write_text("from gwr.cli import main\n", encoding="utf-8")
    result = _lint(broken)
    assert result.returncode == 1
    assert "The schemas import nothing of the rest of gwr BROKEN" in result.stdout
    assert "gwr.schemas._leak -> gwr.cli" in result.stdout


# -- spaCy: span groups, DocBin, spacy.load ---------------------------------------------------------------

def _literal(model, fld: str) -> set[str]:
    return set(typing.get_args(model.model_fields[fld].annotation))


def test_span_groups_have_one_label_set_each_and_the_fields_as_attributes():
    doc = gwr.build_nlp()(SEED.read_text(encoding="utf-8"))
    labels = {g: {s.label_ for s in doc.spans[g]} for g in doc.spans}
    assert labels["sections"] <= _literal(schema.Section, "role")
    assert labels["noise"] <= _literal(schema.Noise, "kind")
    assert labels["commitments"] == {"default", "strive"} <= _literal(schema.Commitment, "strength")
    assert labels["quantities"] == {"target", "qualifier"}
    assert labels["deadlines"] == {"deadline"}
    first = doc.spans["commitments"][0]
    assert (first.text, first.label_) == ("地区生产总值增长6%左右", "default")
    assert {k: first._.commitment[k] for k in ("id", "span", "action", "object", "indicator", "period")} == {
        "id": "c1", "span": [342, 354], "action": "增长", "object": "地区生产总值", "indicator": "gdp_growth",
        "period": [2025, 2025]}
    quantity = doc.spans["quantities"][0]
    assert (quantity.text, quantity._.quantity["base_value"], quantity._.quantity["comparator"]) == (
        "6%左右", 6.0, "approx")
    assert doc._.gwr_document == json.loads(gwr.extract(SEED.read_text(encoding="utf-8"), year=None).to_json()) | {
        "report": doc._.gwr_document["report"]}


def test_a_docbin_keeps_the_spans_and_their_fields():
    from spacy.tokens import DocBin

    nlp = gwr.build_nlp()
    doc = nlp(TARGETS)
    stored = DocBin(store_user_data=True)
    stored.add(doc)
    back = next(DocBin().from_bytes(stored.to_bytes()).get_docs(nlp.vocab))
    assert [(s.text, s.label_) for s in back.spans["commitments"]] == [("地区生产总值增长6%左右", "default"),
                                                                     ("力争城镇新增就业10万人", "strive")]
    pairs = zip(doc.spans["commitments"], back.spans["commitments"])
    assert all(json.dumps(a._.commitment) == json.dumps(b._.commitment) for a, b in pairs)  # tuples back as lists
    assert back.spans["commitments"][1]._.commitment["indicator"] == "urban_new_jobs"
    assert back._.gwr_document["report"]["year"] == 2025


def test_spacy_load_of_a_saved_pipeline_needs_no_import_of_gwr(tmp_path):
    gwr.build_nlp().to_disk(tmp_path / "nlp")
    code = ("import spacy, sys; nlp = spacy.load(sys.argv[1]); d = nlp(sys.argv[2]); "
            "print(nlp.pipe_names[0], nlp.pipe_names[-1], type(nlp.tokenizer).__name__); "
            "print([(s.text, s._.commitment['indicator']) for s in d.spans['commitments']])")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "nlp"), TARGETS], capture_output=True,
                         text=True, cwd=tmp_path, check=True).stdout.splitlines()
    assert out == ["gwr_layout gwr_spans LinearJiebaTokenizer",
                   "[('地区生产总值增长6%左右', 'gdp_growth'), ('力争城镇新增就业10万人', 'urban_new_jobs')]"]


# -- the command line's conventions ---------------------------------------------------------------------------

def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"gwr {gwr.__version__}\n"


@pytest.mark.parametrize("argv, message", [
    (["eval", "no-gold.json", "no-pred.json", "--min", "nope=1"], "--min: unknown figure 'nope'; known: action.acc"),
    (["eval", "no-gold.json", "no-pred.json", "--min", "targets.f"], "--min takes NAME=VALUE, got 'targets.f'"),
    (["eval", "no-gold.json", "no-pred.json", "--min", "targets.f=high"], "--min targets.f: 'high' is not a number"),
    (["eval", "no-gold", "no-pred", "--html", "x.html"], "--html takes one gold file and one prediction file"),
    (["extract", str(ROOT / "corpus")], "a folder, a pattern, several files or a table of reports need -o OUTDIR"),
    (["panel"], "give the batch's output folder (or --describe)"),
    (["panel", "out", "--escalation"], "--escalation needs --year and --indicator"),
    (["compare", "out"], "give --indicator ID (or --list-indicators)"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_usage_errors_exit_2_through_the_parser_before_any_work(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: gwr ") and f"error: {message}" in err


def _actions(parser: argparse.ArgumentParser, path: str = "gwr"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{path} {name}")
        else:
            yield path, action


@pytest.mark.parametrize("command, action", list(_actions(build_parser())),
                         ids=lambda v: v if isinstance(v, str) else "/".join(v.option_strings) or v.dest)
def test_every_argument_has_help(command, action):
    assert action.help and action.help != argparse.SUPPRESS


def test_quiet_silences_every_progress_bar(tmp_path, capfd):
    src = tmp_path / "in"
    src.mkdir()
    (src / "city-zhengzhou-2025.txt").write_text(TARGETS, encoding="utf-8")
    assert main(["extract", str(src), "-o", str(tmp_path / "out"), "-q", "--save-dataset", "--csv"]) == 0
    out, err = capfd.readouterr()
    assert err == ""
    assert out.startswith("1 documents in = 1 written + 0 unchanged (skipped) + 0 failed")


def test_nothing_is_written_for_an_input_that_does_not_exist(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "x.json")]) == 3
    assert capsys.readouterr().err == f"gwr extract: InputError: no such file or folder: {tmp_path / 'missing.txt'}\n"
    assert list(tmp_path.iterdir()) == []
