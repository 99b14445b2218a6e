"""A language as people name it, to the tag EPUB, HTML and speech synthesis want."""

import pytest

from storymaker.languages import right_to_left, tag_for


@pytest.mark.parametrize("named, tag", [
    ("English", "en"), ("english ", "en"), ("Español", "es"), ("SPANISH", "es"), ("Français", "fr"),
    ("Deutsch", "de"), ("日本語", "ja"), ("pt-BR", "pt-BR"), ("nl", "nl"), ("Spanish (Mexico)", "es"),
])
def test_names_and_tags_people_type(named, tag):
    assert tag_for(named) == tag


@pytest.mark.parametrize("named", ["", "Klingon", "<script>", "en; DROP TABLE x"])
def test_anything_else_is_undetermined_not_a_guess(named):
    assert tag_for(named) == "und"


def test_right_to_left_scripts():
    assert right_to_left("ar") and right_to_left("he-IL") and not right_to_left("en")
