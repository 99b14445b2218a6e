"""A language as people name it, to the tag speech synthesis, EPUB and HTML want."""

import pytest

from storymaker.languages import tag_for


@pytest.mark.parametrize("named, tag", [
    ("English", "en"), ("english ", "en"), ("Español", "es"), ("SPANISH", "es"), ("Français", "fr"),
    ("Deutsch", "de"), ("日本語", "ja"), ("pt-BR", "pt-BR"), ("nl", "nl"),
])
def test_names_and_tags_people_type(named, tag):
    assert tag_for(named) == tag


@pytest.mark.parametrize("named", ["", "Klingon", "xx-YY", "<script>", "en; DROP TABLE"])
def test_anything_else_is_english_not_a_guess(named):
    assert tag_for(named) == "en"
