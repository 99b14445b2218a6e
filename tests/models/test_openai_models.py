"""The OpenAI models against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import io
import json
import logging

import pytest
from PIL import Image

from storymaker.config import Settings
from storymaker.models.base import CharacterLook, ImageRequest, Message, TextRequest
from storymaker.models.errors import ModelConfigError, ModelError, RefusedError, TransientModelError
from storymaker.models.openai_models import OpenAIImageModel, OpenAITextModel

from tests.fakes.openai_server import SAFETY_MESSAGE, FakeOpenAI

KEY = "sk-test-key-0123456789"
FAST_RETRY = {"retry-after-ms": "10"}  # keeps the SDK's backoff short in tests
SCHEMA = {
    "type": "object",
    "properties": {
        "scenes": {
            "type": "array",
            "minItems": 3,
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "scene": {"type": "integer"},
                    "title": {"type": "string"},
                    "text": {"type": "string"},
                    "illustration": {"type": "string"},
                    "characters": {"type": "array", "items": {"type": "string", "enum": ["Mia", "Leo"]}},
                },
                "required": ["scene", "title", "text", "illustration", "characters"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["scenes"],
    "additionalProperties": False,
}


@pytest.fixture
def fake():
    with FakeOpenAI() as server:
        yield server


def settings(fake: FakeOpenAI, **overrides) -> Settings:
    values = dict(
        provider="openai",
        api_key=KEY,
        base_url=fake.base_url,
        sdk_max_retries=2,
        text_timeout=5.0,
        image_timeout=5.0,
        image_size="1536x1024",
    )
    return Settings(**(values | overrides))


def story_request(schema=SCHEMA) -> TextRequest:
    return TextRequest(
        messages=(Message("system", "You write picture books."), Message("user", "Write the story.")),
        schema=schema,
        schema_name="story",
    )


def page_request(*characters: CharacterLook, kind="page") -> ImageRequest:
    return ImageRequest(
        prompt="Mia and Leo fly a kite on a windy hill, watercolor",
        scene="a windy hill",
        characters=characters or (CharacterLook("Mia"),),
        style="watercolor",
        size=(1536, 1024),
        seed="book1-page1",
        kind=kind,
    )


def png_bytes(colour=(200, 40, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buf, format="PNG")
    return buf.getvalue()


# -- text ----------------------------------------------------------------------


def test_text_sends_json_schema_and_returns_usage(fake):
    model = OpenAITextModel(settings(fake))
    result = model.complete(story_request())

    sent = fake.requests_for("chat")[0]
    assert sent.json["model"] == "gpt-5.4-mini"
    assert sent.json["messages"][1] == {"role": "user", "content": "Write the story."}
    assert sent.json["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "story", "schema": SCHEMA, "strict": True},
    }
    assert sent.has_auth and "authorization" not in sent.headers
    scenes = json.loads(result.text)["scenes"]
    assert [s["scene"] for s in scenes] == [1, 2, 3]
    assert scenes[0]["characters"] == ["Mia", "Leo"]
    assert result.input_tokens > 0 and result.output_tokens > 0
    assert model.last_tries == 1


def test_text_falls_back_when_json_schema_is_rejected_and_remembers(fake):
    fake.enqueue_error("chat", 400, "response_format json_schema is not supported by this model", param="response_format")
    model = OpenAITextModel(settings(fake))

    result = model.complete(story_request())
    assert json.loads(result.text)["scenes"]
    first, second = fake.requests_for("chat")
    assert first.json["response_format"]["type"] == "json_schema"
    assert second.json["response_format"] == {"type": "json_object"}
    assert "JSON schema" in second.json["messages"][0]["content"]  # the schema is described instead
    assert model.last_tries == 2

    model.complete(story_request())  # the client remembers: no second json_schema attempt
    assert fake.requests_for("chat")[2].json["response_format"] == {"type": "json_object"}


def test_text_falls_back_to_no_response_format(fake):
    fake.enqueue_error("chat", 400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported.")
    fake.enqueue_error("chat", 400, "Unsupported value: 'response_format.type' json_object is not supported.")
    model = OpenAITextModel(settings(fake))

    model.complete(story_request())
    assert ["response_format" in r.json for r in fake.requests_for("chat")] == [True, True, False]


def test_other_bad_requests_do_not_trigger_fallback(fake):
    fake.enqueue_error("chat", 400, "max_tokens is too large for this model.")
    with pytest.raises(ModelConfigError, match="max_tokens is too large") as caught:
        OpenAITextModel(settings(fake)).complete(story_request())
    assert len(fake.requests) == 1 and caught.value.tries == 1


def test_rate_limit_waits_for_retry_after_then_succeeds(fake):
    fake.rate_limit("chat", retry_after=1)
    model = OpenAITextModel(settings(fake))

    result = model.complete(story_request())
    first, second = fake.requests_for("chat")
    assert second.at - first.at >= 1.0  # the SDK honoured Retry-After
    assert (first.status, second.status) == (429, 200)
    assert json.loads(result.text)["scenes"]
    assert model.last_tries == 2


def test_rate_limit_beyond_retries_carries_retry_after(fake):
    fake.enqueue_error("chat", 429, "Rate limit reached.", code="rate_limit_exceeded", headers={"retry-after-ms": "20"}, times=3)
    with pytest.raises(TransientModelError, match="busy") as caught:
        OpenAITextModel(settings(fake)).complete(story_request())
    assert caught.value.retry_after == pytest.approx(0.02)
    assert caught.value.tries == 3


def test_out_of_credit_is_not_transient(fake):
    fake.enqueue_error("chat", 429, "You exceeded your current quota.", type="insufficient_quota", code="insufficient_quota")
    with pytest.raises(ModelConfigError, match="credit"):
        OpenAITextModel(settings(fake, sdk_max_retries=0)).complete(story_request())


def test_server_errors_until_retries_run_out(fake):
    fake.fail_next("chat", 3, status=503, headers=FAST_RETRY)
    with pytest.raises(TransientModelError) as caught:
        OpenAITextModel(settings(fake, sdk_max_retries=2)).complete(story_request())

    assert caught.value.tries == 3 == len(fake.requests_for("chat"))
    assert str(caught.value) == "The text service had a problem (error 503)."  # the job runner says what happens next
    assert caught.value.retryable


def test_refusal_in_the_answer_is_refused_error(fake):
    message = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
    answer = {"choices": [{"index": 0, "finish_reason": "stop", "message": message}]}
    fake.enqueue("chat", json=answer)
    with pytest.raises(RefusedError, match="I can't help with that"):
        OpenAITextModel(settings(fake)).complete(story_request())


def test_empty_content_and_content_parts(fake):
    empty = {"choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": None}}]}
    content = [{"type": "text", "text": '{"a":'}, {"type": "text", "text": " 1}"}]
    parts = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    fake.enqueue("chat", json=empty)
    fake.enqueue("chat", json=parts)
    model = OpenAITextModel(settings(fake))

    with pytest.raises(ModelError, match="empty answer"):
        model.complete(story_request())
    result = model.complete(story_request(schema=None))
    assert result.text == '{"a": 1}' and result.input_tokens == 0  # no usage block: zero
    assert "response_format" not in fake.requests_for("chat")[1].json


def test_timeout_is_transient_and_counts_the_sdk_retry(fake):
    fake.latency["chat"] = 1.0
    model = OpenAITextModel(settings(fake, text_timeout=0.2, sdk_max_retries=1))
    with pytest.raises(TransientModelError, match="did not answer within 0.2 seconds") as caught:
        model.complete(story_request())
    assert caught.value.tries == 2 == model.last_tries == len(fake.requests)


def test_unreachable_server_is_transient(fake):
    fake.enqueue("chat", disconnect=True)
    with pytest.raises(TransientModelError, match="Could not reach"):
        OpenAITextModel(settings(fake, sdk_max_retries=0)).complete(story_request())


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        (401, "Incorrect API key provided: sk-test-key-0123456789.", "The OpenAI key was not accepted"),
        (404, "The model `gpt-5.4-mini` does not exist.", "The model 'gpt-5.4-mini' was not found"),
        (403, "Project does not have access to model gpt-5.4-mini.", "may not use the model 'gpt-5.4-mini'"),
        (400, "Invalid value for 'temperature'.", "Invalid value for 'temperature'"),
    ],
)
def test_client_errors_are_config_errors(fake, status, message, expected):
    fake.enqueue_error("chat", status, message)
    with pytest.raises(ModelConfigError, match=expected) as caught:
        OpenAITextModel(settings(fake)).complete(story_request(schema=None))
    assert caught.value.tries == 1 and not caught.value.retryable


# -- pictures ------------------------------------------------------------------


def test_generate_returns_a_picture_of_the_served_size(fake):
    model = OpenAIImageModel(settings(fake))
    result = model.draw(page_request())

    assert result.image.size == (1536, 1024) and result.image.mode == "RGB"
    sent = fake.requests_for("generations")[0].json
    assert sent == {
        "model": "gpt-image-2",
        "prompt": page_request().prompt,
        "size": "1536x1024",
        "quality": "medium",
        "output_format": "png",
        "n": 1,
    }
    assert "response_format" not in sent
    assert model.last_tries == 1


def test_avatar_pictures_are_square_and_pictures_differ(fake):
    model = OpenAIImageModel(settings(fake))
    first = model.draw(page_request(kind="avatar"))
    second = model.draw(page_request(kind="avatar"))
    assert first.image.size == (1024, 1024)
    assert fake.requests_for("images")[0].json["size"] == "1024x1024"
    assert first.image.getpixel((0, 0)) != second.image.getpixel((0, 0))


def test_edit_is_used_when_a_character_has_an_avatar(fake):
    avatar = png_bytes()
    model = OpenAIImageModel(settings(fake))
    result = model.draw(page_request(CharacterLook("Mia", avatar=avatar), CharacterLook("Leo")))

    assert result.image.size == (1536, 1024)
    assert not fake.requests_for("generations")
    sent = fake.requests_for("edits")[0]
    assert sent.form["prompt"] == page_request().prompt
    assert sent.form["model"] == "gpt-image-2" and sent.form["size"] == "1536x1024"
    [part] = sent.files
    assert part.field in ("image[]", "image") and part.filename == "avatar_Mia.png"
    assert part.content_type == "image/png" and part.data == avatar


def test_content_policy_is_refused_and_not_retried(fake):
    fake.refuse("images")
    with pytest.raises(RefusedError) as caught:
        OpenAIImageModel(settings(fake)).draw(page_request())

    assert len(fake.requests) == 1
    assert SAFETY_MESSAGE in str(caught.value) and caught.value.reason == SAFETY_MESSAGE
    assert caught.value.tries == 1 and not caught.value.retryable


def test_edit_is_retried_with_the_same_avatar_bytes(fake):
    avatar = png_bytes((10, 200, 10))
    fake.fail_next("edits", 1, status=500, headers=FAST_RETRY)
    model = OpenAIImageModel(settings(fake))
    model.draw(page_request(CharacterLook("Mia", avatar=avatar)))
    assert [r.files[0].data == avatar for r in fake.requests] == [True, True]
    assert model.last_tries == 2


def test_image_timeout_is_transient(fake):
    fake.latency["images"] = 1.0
    with pytest.raises(TransientModelError, match="picture service did not answer"):
        OpenAIImageModel(settings(fake, image_timeout=0.3, sdk_max_retries=0)).draw(page_request())


def test_url_only_answer_fails_clearly(fake):
    fake.enqueue("images", json={"created": 1, "data": [{"url": "https://example.invalid/a.png"}]})
    with pytest.raises(ModelError, match="link instead of the picture"):
        OpenAIImageModel(settings(fake)).draw(page_request())


def test_broken_picture_fails_clearly(fake):
    fake.enqueue("images", json={"created": 1, "data": [{"b64_json": "bm90IGEgcGljdHVyZQ=="}]})
    with pytest.raises(ModelError, match="could not open"):
        OpenAIImageModel(settings(fake)).draw(page_request())


# -- the key -------------------------------------------------------------------


def test_the_key_never_shows(fake, caplog):
    caplog.set_level(logging.DEBUG)
    text, image = OpenAITextModel(settings(fake)), OpenAIImageModel(settings(fake))
    assert KEY not in repr(text) and KEY not in repr(image)

    fake.enqueue_error("chat", 401, f"Incorrect API key provided: {KEY}.", code="invalid_api_key")
    fake.enqueue_error("images", 400, f"Bad thing about {KEY}.")
    errors = []
    for call in (lambda: text.complete(story_request()), lambda: image.draw(page_request())):
        with pytest.raises(ModelError) as caught:
            call()
        errors.append(caught.value)
    for error in errors:
        assert KEY not in str(error) and KEY not in repr(error)
        assert error.__cause__ is None and error.__context__ is None
    assert "***" in str(errors[1])
    assert KEY not in caplog.text


@pytest.mark.parametrize("status", [400, 403, 404, 422])
def test_a_key_echoed_in_another_case_or_cut_short_is_hidden(fake, status, caplog):
    caplog.set_level(logging.DEBUG)
    fake.enqueue_error("chat", status, f"Key {KEY.upper()} is not valid here (starts {KEY[:12]}, ends {KEY[-9:]}).")
    with pytest.raises(ModelError) as caught:
        OpenAITextModel(settings(fake, sdk_max_retries=0)).complete(story_request(schema=None))
    shown = str(caught.value).lower() + caplog.text.lower()
    assert not any(KEY.lower()[i:i + 8] in shown for i in range(len(KEY) - 7))
    assert "The service said" in str(caught.value) and "***" in str(caught.value)


def test_credentials_in_the_base_url_are_not_in_the_repr(fake):
    with_password = fake.base_url.replace("http://", "http://robot:hunter2-secret@")
    model = OpenAITextModel(settings(fake, base_url=with_password))
    assert "hunter2" not in repr(model) and "robot" not in repr(model)
