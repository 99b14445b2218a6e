"""The model seam: capabilities declared on every model, the registry, a session key per call."""

from __future__ import annotations

import threading

import pytest

from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.models import keys, registry
from storymaker.models.base import TextModel, TextRequest, TextResult
from storymaker.models.errors import ModelConfigError
from storymaker.models.offline_image import OfflineImageModel
from storymaker.models.offline_text import OfflineTextModel
from storymaker.models.openai_models import OpenAIImageModel, OpenAITextModel

from tests.fakes.models import OfflineImage, OfflineText
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.models import MockImageModel, MockTextModel
from .test_openai_models import page_request, story_request

SESSION_KEY = "sk-session-0123456789abcdef"
TEXT_MODELS = [OfflineTextModel, OpenAITextModel, MockTextModel, OfflineText]
IMAGE_MODELS = [OfflineImageModel, OpenAIImageModel, MockImageModel, OfflineImage]


@pytest.mark.parametrize("model", TEXT_MODELS, ids=lambda c: c.__name__)
def test_every_text_model_declares_what_it_can_do(model):
    assert type(model.is_offline) is bool and type(model.supports_schema) is bool
    assert model.languages is None or (isinstance(model.languages, tuple) and model.languages
                                       and all(isinstance(name, str) for name in model.languages))
    assert callable(model.writes)


@pytest.mark.parametrize("model", IMAGE_MODELS, ids=lambda c: c.__name__)
def test_every_image_model_declares_what_it_can_do(model):
    assert type(model.is_offline) is bool and type(model.supports_reference_images) is bool


def test_what_the_built_in_models_declare():
    assert OfflineTextModel.is_offline and OfflineTextModel.supports_schema and OfflineTextModel.languages
    assert not OpenAITextModel.is_offline and OpenAITextModel.supports_schema and OpenAITextModel.languages is None
    assert OfflineImageModel.is_offline and not OfflineImageModel.supports_reference_images
    assert not OpenAIImageModel.is_offline and OpenAIImageModel.supports_reference_images


class EnglishOnly(TextModel):
    languages = ("English",)

    def complete(self, request: TextRequest) -> TextResult:
        return TextResult("")


def test_writes_follows_the_declared_languages():
    assert EnglishOnly().writes(" english ") and not EnglishOnly().writes("Spanish")
    assert MockTextModel().writes("Klingon")  # None: any language
    assert OfflineTextModel().writes("EN") and not OfflineTextModel().writes("Spanish")


# -- the registry ----------------------------------------------------------------


def test_the_registry_builds_the_providers_models(tmp_path):
    text, image = registry.build(Settings(provider="offline", data_dir=tmp_path))
    assert isinstance(text, OfflineTextModel) and isinstance(image, OfflineImageModel)
    with pytest.raises(ModelConfigError, match="No models are registered for the provider 'elsewhere'"):
        registry.build(Settings(provider="elsewhere", data_dir=tmp_path))


def test_fakes_registered_for_a_block_build_the_engine_then_give_way(tmp_path):
    settings = Settings(provider="offline", data_dir=tmp_path)
    with registry.registered("offline", image=lambda s: MockImageModel()):
        engine = Engine(settings)
        assert isinstance(engine.image_model, MockImageModel) and isinstance(engine.text_model, OfflineTextModel)
        with registry.registered("elsewhere", text=lambda s: MockTextModel(), image=lambda s: MockImageModel()):
            assert isinstance(registry.build(Settings(provider="elsewhere", data_dir=tmp_path))[0], MockTextModel)
    assert isinstance(Engine(settings).image_model, OfflineImageModel)
    with pytest.raises(ModelConfigError):
        registry.build(Settings(provider="elsewhere", data_dir=tmp_path))


# -- a session key per call --------------------------------------------------------


def openai_settings(fake: FakeOpenAI, tmp_path, **overrides) -> Settings:
    values = dict(provider="openai", api_key=None, base_url=fake.base_url, sdk_max_retries=0,
                  text_timeout=5.0, image_timeout=5.0, data_dir=tmp_path)
    return Settings(**(values | overrides))


def test_a_model_without_a_key_of_its_own_calls_only_with_a_session_key(tmp_path):
    with FakeOpenAI() as fake:
        fake.expected_key = SESSION_KEY
        model = OpenAITextModel(openai_settings(fake, tmp_path))
        with pytest.raises(ModelConfigError, match="needs an API key") as error:
            model.complete(story_request())
        assert not fake.requests and error.value.tries == 0
        with keys.using(SESSION_KEY):
            assert model.complete(story_request()).text
        assert [r.status for r in fake.requests] == [200] and SESSION_KEY not in repr(model)


def test_a_session_key_wins_over_the_process_key_for_its_calls_only(tmp_path):
    with FakeOpenAI(image_size=(64, 64)) as fake:
        model = OpenAIImageModel(openai_settings(fake, tmp_path, api_key="sk-process-0123456789"))
        fake.expected_key = SESSION_KEY
        seen = []

        def other_person():  # another thread: no session key, the process's own (refused here)
            try:
                model.draw(page_request())
            except ModelConfigError as error:
                seen.append(str(error))

        with keys.using(SESSION_KEY):
            model.draw(page_request())
            thread = threading.Thread(target=other_person)
            thread.start()
            thread.join()
        assert [r.status for r in fake.requests] == [200, 401]
        assert seen and "key was not accepted" in seen[0]


def test_an_echoed_session_key_is_hidden_in_the_error(tmp_path):
    with FakeOpenAI() as fake:
        fake.enqueue_error("chat", 400, f"Bad request for {SESSION_KEY}")
        model = OpenAITextModel(openai_settings(fake, tmp_path, api_key="sk-process-0123456789"))
        with keys.using(SESSION_KEY), pytest.raises(ModelConfigError) as error:
            model.complete(story_request(schema=None))
        assert SESSION_KEY not in str(error.value) and "***" in str(error.value)


def test_bind_sets_the_key_for_the_rest_of_this_thread_only():
    seen = []

    def run():
        keys.bind(SESSION_KEY)
        seen.append(keys.current())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == [SESSION_KEY] and keys.current() is None
