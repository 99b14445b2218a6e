from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.both_databases  # also on PostgreSQL (see tests/conftest.py)

APP = str(Path(__file__).resolve().parents[2] / "router.py")


def test_the_app_starts_and_says_which_models_are_used():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value.endswith("Storymaker")
    assert any("offline models" in info.value for info in at.info)


def test_a_bad_setting_is_explained_not_a_traceback(monkeypatch):
    monkeypatch.setenv("STORYMAKER_PROVIDER", "magic")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "STORYMAKER_PROVIDER" in at.error[0].value.replace("\\", "")  # shown as plain text (escaped)
