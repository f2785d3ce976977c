"""Every command has help text and a README entry."""

from conftest import ROOT


def test_every_command_has_help_and_a_readme_entry():
    from prognose.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [c.name or c.callback.__name__ for c in cli.registered_commands]
    assert commands
    for c in cli.registered_commands:
        name = c.name or c.callback.__name__
        assert (c.callback.__doc__ or "").strip(), f"{name} has no help text"
        assert f"`prognose {name}" in readme, f"{name} is not in the README"


def test_readme_names_the_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_readmes_cron_line_is_silent_on_success_and_an_error_reaches_cron(tmp_path):
    """The cron line as the README gives it, run as cron runs it: no terminal, a bare environment."""
    import os
    import re
    import subprocess
    import sys

    from test_snapshots import workspace

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if re.match(r"\s+0 6 8 \* \*", l))
    command = line.split("*", 2)[2].strip()
    ws = workspace(tmp_path / "kommune")
    (tmp_path / "rapporter").mkdir()      # made once, by hand, as the README says
    bindir = os.path.dirname(sys.executable)
    command = (command.replace("/srv/prognose/viborg", str(ws)).replace("/srv/rapporter/prognose", str(tmp_path / "rapporter"))
               .replace(".venv/bin/prognose", f"{bindir}/prognose").replace("--max-age 20", "--max-age 20 --today 2026-11-08"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh",
           "PROGNOSE_PSEUDONYM_KEY": os.environ["PROGNOSE_PSEUDONYM_KEY"]}
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (ws / "forventet-regnskab.txt").exists() and list((tmp_path / "rapporter").glob("prognose-*.xlsx"))
    (ws / "data" / "grants.csv").write_text("not,a,grants,file\n", encoding="utf-8")
    failed = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert failed.returncode == 2 and failed.stdout == "" and "grants.csv" in failed.stderr


def test_the_data_contract_is_in_the_project_and_names_every_column_the_engine_reads():
    from prognose.schema import SPECS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared/SPEC.md" not in readme and "docs/data-contract.md" in readme
    contract = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    for name, columns in SPECS.items():
        section = contract.split(f"## {name}", 1)
        assert len(section) == 2, f"no section for {name}"
        body = section[1].split("\n## ", 1)[0]
        for c in columns:
            assert f"`{c.name}`" in body, f"{name}.{c.name} is not in docs/data-contract.md"
