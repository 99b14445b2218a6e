"""The offline safety check (the word list) and the policy: what passes, what is refused, and how it is said."""

from __future__ import annotations

import pytest

from storymaker.config import ConfigError, load_settings
from storymaker.models.base import ModerationItem, ModerationResult
from storymaker.models.offline_moderation import WordListModel, find
from storymaker.safety import policy

from tests.core.safety_lists import PASS, PERIL, REFUSE


def test_the_lists_are_long_enough():
    assert len(PASS) >= 50 and len(REFUSE) >= 50 and len(set(PASS)) == len(PASS)
    assert {"profanity", "hate", "sexual", "violence/graphic", "self-harm", "illicit"} <= {c for _, c in REFUSE}


@pytest.mark.parametrize("level", ["strict", "standard"])
def test_ordinary_childrens_words_raise_no_false_alarm(level):
    results = WordListModel().moderate([ModerationItem(text) for text in PASS])
    alarms = {text: policy.refused(result, level) for text, result in zip(PASS, results, strict=True)}
    assert {text: found for text, found in alarms.items() if found} == {}


@pytest.mark.parametrize("level", ["strict", "standard"])
def test_every_refuse_entry_is_refused_offline_in_its_category(level):
    results = WordListModel().moderate([ModerationItem(text) for text, _ in REFUSE])
    missed = {text: (category, policy.refused(result, level))
              for (text, category), result in zip(REFUSE, results, strict=True)
              if category not in policy.refused(result, level)}
    assert missed == {}


def test_mild_peril_is_refused_by_strict_only():
    results = WordListModel().moderate([ModerationItem(text) for text in PERIL])
    assert all(policy.refused(r, "strict") == ("peril",) for r in results)
    assert all(policy.refused(r, "standard") == () for r in results)


@pytest.mark.parametrize("text", ["ＦＵＣＫ", "F.U.C.K off", "fuuuuck", "Sh1t", "B!tch"])
def test_disguised_words_are_found(text):
    assert "profanity" in find(text)


@pytest.mark.parametrize("innocent, rude", [
    ("Dick Whittington and His Cat", "what a dick"),
    ("The cock crowed on the farm", "a big cock"),
    ("The Owl and the Pussy-cat", "her pussy"),
    ("a garden hoe", "you hoe"),
    ("a murder of crows", "a murder in the woods"),
])
def test_an_ambiguous_word_is_judged_by_its_context(innocent, rude):
    assert find(innocent) == {}
    assert find(rude) != {}


def test_whole_words_only():
    for text in ("Scunthorpe", "Essex", "assassin", "cocktail", "Titmouse", "Penistone", "therapist", "shitake"):
        assert find(text) == {}, text


def test_the_books_language_is_read_too():
    assert find("hijo de puta", "Spanish") != {}
    assert find("merde alors", "French") != {}


def test_a_result_names_what_it_found():
    [result] = WordListModel().moderate([ModerationItem("The wolf beheaded the grandmother")])
    assert result.flagged == ("violence/graphic",) and result.scores == {"violence/graphic": 1.0}
    assert result.matched == ("beheaded",)


def test_scores_refuse_by_strictness():
    mild = ModerationResult(scores={"violence": 0.5, "sexual": 0.1})
    assert policy.refused(mild, "strict") == ("sexual", "violence")
    assert policy.refused(mild, "standard") == ()
    assert policy.refused(ModerationResult(scores={}, flagged=("hate",)), "standard") == ("hate",)


def test_the_message_names_the_field_and_the_category_in_plain_words():
    said = policy.message("premise", ("violence/graphic",))
    assert said == "This premise mentions graphic violence, which Storymaker does not put in children's books."
    both = policy.message("title", ("profanity", "sexual/minors"), ("x",))
    assert both.startswith("This title mentions sexual content involving children and swearing") and "“x”" in both
    assert "strict safety setting" in policy.message("title", ("peril",))


def test_the_safety_settings_are_checked():
    settings = load_settings(env={}, secrets={})
    assert settings.safety == "strict" and settings.moderation_model == "omni-moderation-latest"
    assert load_settings(env={"STORYMAKER_SAFETY": " Standard "}, secrets={}).safety == "standard"
    assert not load_settings(env={"STORYMAKER_MODERATION_MODEL": "none"}, secrets={}).uses_moderation_model
    with pytest.raises(ConfigError, match="STORYMAKER_SAFETY must be one of strict, standard"):
        load_settings(env={"STORYMAKER_SAFETY": "lax"}, secrets={})


def test_a_redraw_note_is_checked_before_anything_is_queued(mock_engine, user, book_id):
    from storymaker import jobs
    from storymaker.safety import InputRefused
    from storymaker.services import studio

    before = jobs.active_count(mock_engine.db(), book_id)
    with pytest.raises(InputRefused) as refused:
        studio.regenerate_page(mock_engine, user.id, book_id, 2, "and then he stabbed the cat with a knife, blood everywhere")
    assert "This note mentions" in refused.value.fields["note"]
    assert jobs.active_count(mock_engine.db(), book_id) == before
    studio.regenerate_page(mock_engine, user.id, book_id, 2, "at night, in the rain")  # ordinary notes pass
    assert jobs.active_count(mock_engine.db(), book_id) == before + 1
