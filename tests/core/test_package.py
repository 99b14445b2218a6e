"""The installable package: what pyproject.toml declares matches the checkout.

Building a wheel takes seconds and the network, so pytest does not; `.ci/run` builds
one and lists it. These tests keep the declarations honest between builds.
"""

import fnmatch
import importlib
import re
import runpy
import sys
import tomllib
from pathlib import Path

import pytest

import storymaker
from storymaker import cli, prompts

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIR = Path(storymaker.__file__).resolve().parent


def requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def normalized(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"([A-Za-z0-9._-]+)\s*(.*)", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def test_the_runtime_dependencies_are_the_ranges_of_requirements_txt():
    declared = sorted(map(normalized, PYPROJECT["project"]["dependencies"]))
    assert declared == sorted(map(normalized, requirement_lines(ROOT / "requirements.txt")))


def test_the_templates_live_inside_the_package():
    assert prompts.TEMPLATES_DIR.parent == PACKAGE_DIR
    assert prompts.template_names()  # and they are found there


def test_every_template_is_declared_as_package_data():
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["storymaker"]
    shipped = [p.relative_to(PACKAGE_DIR).as_posix() for p in prompts.TEMPLATES_DIR.iterdir() if p.is_file()]
    assert shipped
    assert [f for f in shipped if not any(fnmatch.fnmatch(f, g) for g in globs)] == []


def test_only_the_core_is_installed():
    assert PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"] == ["storymaker*"]


def test_the_console_script_is_the_same_command_as_python_m_storymaker(monkeypatch, capsys):
    module, _, function = PYPROJECT["project"]["scripts"]["storymaker"].partition(":")
    assert getattr(importlib.import_module(module), function) is cli.main

    with pytest.raises(SystemExit) as script:
        cli.main(["make-book", "--help"])
    script_help = capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["storymaker", "make-book", "--help"])
    with pytest.raises(SystemExit) as module_run:
        runpy.run_module("storymaker", run_name="__main__")
    assert script.value.code == module_run.value.code == 0
    assert "--title" in script_help and capsys.readouterr().out == script_help


def test_the_build_backend_is_setuptools():
    build = PYPROJECT["build-system"]
    assert build["build-backend"] == "setuptools.build_meta"
    assert any(r.startswith("setuptools") for r in build["requires"])
