import pytest
from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError

from storymaker import prompts
from storymaker.books import Book
from storymaker.illustrate import cover_prompt, page_prompt
from storymaker.models.base import CharacterLook
from storymaker.scenes import Scene
from storymaker.series import EarlierBook
from storymaker.story import story_messages

SAMPLES = {
    "story_system.md": {},
    "generate_story.md": dict(
        title="The Lighthouse Cat", language="English", age_guidance="ages 6 to 8", words=(25, 70),
        premise="being brave", scene_count=10,
        characters=[{"name": "Mia", "look": "red boots", "personality": "curious"}],
        earlier_books=[{"title": "The Lighthouse Cat", "summary": "Mia and Pip kept the light burning."}],
    ),
    "repair_story.md": dict(problems=["expected 10 scenes, found 9"], scene_count=10, names=["Mia"]),
    "rewrite_unsafe.md": dict(pages=[{"scene": 3, "reason": "graphic violence"}], strict=True, scene_count=10,
                              names=["Mia"]),
    "generate_chapter.md": dict(
        scene=Scene(3, "Up", "They climb.", "a lighthouse at night in the rain", ("Mia",)),
        book_title="The Lighthouse Cat", age_band="6-8", style_prompt="watercolour",
        characters=[{"name": "Mia", "look": "red boots"}],
    ),
    "generate_cover.md": dict(book_title="T", age_band="3-5", premise="", style_prompt="crayon", characters=[]),
    "generate_avatar.md": dict(name="Mia", look="red boots", personality="", style_prompt="ink"),
    "rewrite_page.md": dict(
        title="The Lighthouse Cat", language="English", age_guidance="ages 6 to 8", words=(25, 70), premise="",
        characters=[{"name": "Mia", "look": "red boots", "personality": ""}],
        pages=[Scene(1, "Up", "They climb.", "a lighthouse", ("Mia",))],
        page=Scene(1, "Up", "They climb.", "a lighthouse", ("Mia",)), attempt=1, instruction="shorter",
    ),
    "write_page.md": dict(
        title="The Lighthouse Cat", language="English", age_guidance="ages 6 to 8", words=(25, 70), premise="",
        characters=[{"name": "Mia", "look": "red boots", "personality": ""}],
        pages=[Scene(1, "Up", "They climb.", "a lighthouse", ("Mia",))],
        previous=Scene(1, "Up", "They climb.", "a lighthouse", ("Mia",)), following=None, attempt=0, after=1,
    ),
    "repair_page.md": dict(problems=["row 1 (scene 1): text is empty"], names=["Mia"], fields=["title", "text"]),
}


def test_every_shipped_template_has_a_sample():
    assert sorted(SAMPLES) == prompts.template_names()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_template_renders(name):
    text = prompts.render(name, **SAMPLES[name])
    assert text and "{{" not in text and "{%" not in text


@pytest.mark.parametrize("name", [n for n, v in SAMPLES.items() if v])
def test_a_missing_variable_raises(name):
    variables = dict(SAMPLES[name])
    variables.popitem()
    with pytest.raises(UndefinedError):
        prompts.render(name, **variables)


def book(title="T", premise="", names=("Mia",)):
    cast = tuple(CharacterLook(n, "a look") for n in names)
    return Book(1, 1, title, premise, "6-8", "watercolor", "English", 4, "draft", None, "", cast=cast)


@pytest.mark.parametrize("evil", ["{{ 7*7 }}", "{% for x in y %}", "{{ ''.__class__.__mro__ }}", "{# c #}"])
def test_template_syntax_in_user_text_stays_literal(evil):
    b = book(title=evil, premise=evil, names=(evil.replace(";", ""),))
    user_message = story_messages(b)[1].content
    assert user_message.count(evil) >= 2  # title and premise, untouched
    assert "49" not in user_message
    scene = Scene(1, evil, evil, evil, (b.cast[0].name,))
    assert evil in page_prompt(b, scene)
    assert evil in cover_prompt(b)


@pytest.mark.parametrize("evil", ["{{ 7*7 }}", "{% for x in y %}", "{{ ''.__class__.__mro__ }}", "{# c #}"])
def test_a_sequels_prompt_names_the_earlier_books_and_keeps_their_words_literal(evil):
    earlier = [EarlierBook(f"First {evil}", f"It began {evil}."), EarlierBook("Second", "")]
    user_message = story_messages(book(), earlier)[1].content
    assert "This book continues a series" in user_message and "Refer back to one of them lightly, once" in user_message
    assert f'- "First {evil}": It began {evil}.' in user_message and '- "Second"\n' in user_message
    assert "49" not in user_message
    assert "continues a series" not in story_messages(book())[1].content  # a first book: no such lines


def test_the_environment_is_sandboxed(tmp_path):
    (tmp_path / "bad.md").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        prompts.render_from(tmp_path, "bad.md")


def test_chapter_prompt_carries_the_scene_style_and_looks():
    b = book(names=("Mia", "Pip"))
    text = page_prompt(b, Scene(2, "t", "x", "a stormy beach at dusk", ("Pip",)))
    assert "a stormy beach at dusk" in text
    assert "soft watercolour" in text
    assert "Pip: a look" in text and "Mia" not in text  # only who is on the page


@pytest.mark.parametrize("evil", ["{{ 7*7 }}", "{% for x in y %}", "{{ ''.__class__.__mro__ }}", "{# c #}"])
def test_user_text_in_the_page_prompts_stays_literal(evil):
    from storymaker.page_writer import _book_facts

    b = book(title=evil, premise=evil, names=(evil.replace(";", ""),))
    page = Scene(1, evil, evil, evil, (b.cast[0].name,))
    facts = _book_facts(b, [page])
    rewrite = prompts.render("rewrite_page.md", **facts, page=page, instruction=evil, attempt=0)
    assert rewrite.count(evil) >= 6 and "49" not in rewrite  # title, premise, name, page, instruction
    new = prompts.render("write_page.md", **facts, after=1, previous=page, following=None, attempt=2)
    assert new.count(evil) >= 5 and "49" not in new
    assert "This is try 3" in new and "after page 1" in new
