"""What people type: control and invisible characters removed, text of nothing else refused."""

import pytest
from hypothesis import given, settings, strategies as st

from storymaker import user_text
from storymaker.books import BookError, BookOptions

INVISIBLE = ["\x00", "\u200b", "\u200b\u200b\u200b", "\ufeff", "\u2060", "\u00ad", " \u200b \x00 ", "\u3164",
             "\u202e", "\x07\x1b"]


@pytest.mark.parametrize("raw", INVISIBLE)
def test_only_invisible_text_is_nothing(raw):
    assert user_text.line(raw) == user_text.block(raw) == ""
    assert user_text.only_invisible(raw)


def test_visible_text_keeps_its_words_and_loses_the_junk():
    assert user_text.line("  The\x00 Lighthouse\u200b\tCat \n") == "The Lighthouse Cat"
    assert user_text.block("Mia\r\nwaves.\u2028\u200bThen\x00 Pip.\n") == "Mia\nwaves.\nThen Pip."
    # Joiners and emoji tags draw visible text: a family emoji and the flag of Scotland stay whole.
    family, scotland = "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"
    assert user_text.line(f"{family} {scotland}") == f"{family} {scotland}"
    assert user_text.line("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert not user_text.only_invisible("") and not user_text.only_invisible("   ")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_cleaning_is_stable_and_leaves_nothing_invisible_at_the_ends(raw):
    for clean in (user_text.line, user_text.block):
        once = clean(raw)
        assert clean(once) == once
        assert "\x00" not in once and "\u200b" not in once and "\ufeff" not in once
        assert once == "" or (user_text.has_visible(once) and once == once.strip())
    assert "\n" not in user_text.line(raw)


def test_a_title_of_only_invisible_characters_is_refused_clearly():
    with pytest.raises(BookError) as error:
        BookOptions("\u200b\u200b\x00").cleaned()
    assert error.value.fields["title"] == ("This title is made only of invisible characters; "
                                           "type a title people can read.")
    with pytest.raises(BookError, match="A book needs a title"):
        BookOptions("   ").cleaned()


def test_book_options_are_stored_without_invisible_characters():
    options = BookOptions("The\x00 Lighthouse\u200b Cat", premise="\u200b\x00", language="Eng\u200blish").cleaned()
    assert (options.title, options.premise, options.language) == ("The Lighthouse Cat", "", "English")
    assert BookOptions("T", premise="Be kind.\r\n\u2060Share.").cleaned().premise == "Be kind.\nShare."
