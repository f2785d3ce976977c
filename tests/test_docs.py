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
