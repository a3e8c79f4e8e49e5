"""The command line: every command documented, JSON output, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from warchest.cli import app

from .conftest import FIXTURES

runner = CliRunner()
ENV = {"COLUMNS": "200", "WARCHEST_DB": ""}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def _commands() -> list[list[str]]:
    root = get_command(app)
    out: list[list[str]] = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        if subs:
            out.extend([name, sub] for sub in subs)
        else:
            out.append([name])
    return out


def test_every_command_has_an_example_that_the_examples_test_runs() -> None:
    """tests/test_examples.py runs every `Example:` line; here: no command is without one."""
    from .test_examples import EXAMPLES

    with_examples = {command for command, _ in EXAMPLES}
    assert [c for c in _commands() if " ".join(c) not in with_examples] == []


def test_demo_then_status_patent_sql(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.duckdb")
    code, out, _ = run("demo", "--real-only", "--db", db, "--json")
    assert code == 0
    demo = json.loads(out)["samples"]
    assert json.loads(out)["world"] is None  # --real-only
    assert demo["status"]["tables"]["cpc_titles"] == 260263
    assert demo["status"]["contains_synthetic"] is True
    # the demo also resolves owners and computes values: every sample patent gets a term
    assert demo["values"]["terms"] == demo["status"]["tables"]["patents"]
    # Samsung Electronics on 2025-01-01: 89 patents whose grant (ppubs, XML) names it and
    # 91 named only by PatentsView's disambiguated table (shown by its most used spelling)
    side = {r["name"]: r["summary"] for r in demo["portfolios"]["companies"]}
    assert side["SAMSUNG ELECTRONICS CO., LTD."]["owned"] == 89 + 91

    code, out, _ = run("status", "--db", db, "--json")
    status = json.loads(out)
    assert status["tables"]["patents"] == demo["status"]["tables"]["patents"]

    code, out, _ = run("status", "--db", db)
    assert code == 0 and "contains partly synthetic sample data" in out
    assert "label partly synthetic sample" in out and "SYNTHETIC" not in out
    code, out, _ = run("owners", "show", "Apple Inc.", "--db", db)
    assert code == 0 and "partly synthetic sample:" in out and "SYNTHETIC" not in out

    code, out, _ = run("patent", "US-10000000-B2", "--db", db, "--json")
    info = json.loads(out)
    assert info["patent"]["title"] == "Coherent LADAR using intra-pixel quadrature detection"
    assert info["patent"]["grant_date"] == "2018-06-19"
    assert info["term_of_grant"]["term_extension"] == 430
    assert [c["cited_patent_id"] for c in info["citations_made"]] == ["5093563", "5751830"]
    assert {s["loader"] for s in info["sources"]} == {"patentsview", "ppubs"}

    code, out, _ = run("patent", "10,000,000", "--db", db)
    assert code == 0 and "Raytheon Company" in out and "G01S7/4865" in out

    code, out, _ = run("sql", "SELECT count(*) AS n FROM cpc_titles", "--db", db, "--csv")
    assert code == 0 and out.splitlines() == ["n", "260263"]
    # JSON has no infinity: it is written as the text "inf", and the output stays JSON
    code, out, _ = run("sql", "SELECT 'inf'::DOUBLE AS f, 1.5 AS g", "--db", db, "--json")
    assert code == 0 and json.loads(out) == [{"f": "inf", "g": 1.5}]
    # CSV a user opens in a spreadsheet: text that would run as a formula is written as
    # text (a leading apostrophe, OWASP); numbers stay numbers
    code, out, _ = run("sql", "SELECT '=HYPERLINK(\"http://x\",\"y\")' AS a, '@SUM(1)' AS b, "
                       "'-1+2' AS c, '+3' AS d, 'ACME' AS e, -2.5 AS f", "--db", db, "--csv")
    assert code == 0 and out.splitlines()[1] == (
        '"\'=HYPERLINK(""http://x"",""y"")",\'@SUM(1),\'-1+2,\'+3,ACME,-2.5')
    code, _, err = run("sql", "SELECT * FROM read_csv('/etc/passwd')", "--db", db)
    assert code == 1 and "Permission Error" in err and "Traceback" not in err
    # escape sequences in data never reach the terminal (one could clear or retitle it)
    code, out, _ = run("sql", "SELECT 'ACME' || chr(27) || '[2J' || chr(27) || ']0;pwned' "
                       "|| chr(7) || chr(155) || '31m Inc.' AS name", "--db", db)
    assert code == 0 and "ACME[2J]0;pwned31m Inc." in out
    assert not any(ch in out for ch in "\x1b\x07\x9b")
    code, _, err = run("owners", "find", "Evil\x1b[2J Corp", "--db", db)
    assert "\x1b" not in err


def test_load_json_summary_and_quarantine(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run("load", "patentsview", str(FIXTURES / "corrupt"), "--db", db, "--json")
    assert code == 0
    summary = json.loads(out)
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_quarantined"]) == (
        11, 4, 7)  # tests/fixtures/corrupt/EXPECTED.md
    assert summary["files"][0]["table"] == "g_us_patent_citation"
    code, out, _ = run("load", "patentsview", str(FIXTURES / "corrupt"), "--db", db)
    assert "read 11 = loaded 4 + quarantined 7" in out
    code, out, _ = run("quarantine", "--db", db, "--json")
    rows = json.loads(out)["records"]
    assert [r["line"] for r in rows] == [4, 5, 6, 7, 10, 11, 12]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["patent", "99999999"], "error: patent 99999999 (from '99999999') is not in the store"),
        (["patent", "hello"], "error: 'hello' is not a US patent number"),
        (["sql", "DELETE FROM patents"], "error: only reads are allowed here, not DELETE"),
        (["load", "patentsview", "/no/such/file.tsv"], "error: /no/such/file.tsv does not exist"),
        (["fetch", "patentsview", "--tables", "g_nonsense", "--cache", "{tmp}"],
         "error: unknown PatentsView table(s) g_nonsense"),
    ],
)
def test_user_errors_are_one_line_with_exit_code_1(
    tmp_path: Path, args: list[str], message: str
) -> None:
    db = str(tmp_path / "s.duckdb")
    run("init", "--db", db)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, errout = run(*args, "--db", db) if args[0] != "fetch" else run(*args)
    assert code == 1
    assert errout.startswith(message)
    assert len(errout.strip().splitlines()) == 1
    assert "Traceback" not in out + errout


def test_status_without_a_store_says_what_to_do(tmp_path: Path) -> None:
    code, _, errout = run("status", "--db", str(tmp_path / "none.duckdb"))
    assert code == 1 and "no store at" in errout and "warchest init" in errout


def test_bad_option_names_the_value() -> None:
    result = runner.invoke(app, ["status", "--nonsense"], env=ENV)
    assert result.exit_code == 2
    assert "--nonsense" in result.output


@pytest.mark.parametrize("width", [80, 140])
def test_load_report_keeps_names_whole_at_any_width(monkeypatch: pytest.MonkeyPatch,
                                                    width: int) -> None:
    import io

    from rich.console import Console

    from warchest.cli import load as cli
    from warchest.ingest.runner import FileResult, LoadReport

    out = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=out, width=width))
    report = LoadReport("patentsview", (
        FileResult("/data/g_assignee_disambiguated.tsv.zip", "g_assignee_disambiguated.tsv",
                   "g_assignee_disambiguated", 12067, 12067, 0, seconds=0.5,
                   label="partly synthetic sample"),
        FileResult("/data/legacy/uspatentcitation.tsv", None, "g_us_patent_citation", 9, 8, 1,
                   seconds=0.1),
    ))
    cli.print_load_report(report)
    text = out.getvalue()
    assert "g_assignee_disambiguated.tsv*" in text  # marked, never cut
    assert "* provenance: partly synthetic sample" in text
    assert "read 12,076 = loaded 12,075 + quarantined 1" in text
    if width == 80:  # the table goes under the file name; no rate column
        assert "-> g_us_patent_citation" in text and "rows/s" not in text
    else:
        assert "g_us_patent_citation" in text and "rows/s" in text and "24,134" in text


def test_version_flag_and_command_print_the_package_version() -> None:
    from warchest.version import __version__

    assert run("--version") == (0, __version__ + "\n", "")
    assert run("version")[:2] == (0, __version__ + "\n")


def test_tables_wrap_between_words_at_80_columns() -> None:
    """A narrow terminal wraps a table's text between words: no word is cut in two (it
    used to print "Electroni" over "cs"); floats read without exponents."""
    import io

    from rich.console import Console

    from warchest.cli.common import _rows_table

    rows = [{"area": "consumer_electronics", "description": "Consumer Electronics devices "
             "and their manufacture, semiconductors and telecommunications standards",
             "patents": 1274000.0, "share": 0.1234567}] * 3
    out = io.StringIO()
    Console(file=out, width=80).print(_rows_table("areas", rows))
    text = out.getvalue()
    for word in ("consumer_electronics", "Electronics", "manufacture,", "semiconductors",
                 "telecommunications"):
        assert word in text, word
    assert "1,274,000" in text and "0.1235" in text and "e+06" not in text
