"""The OpenAI models: text and pictures through the openai SDK.

`OPENAI_BASE_URL` points the same code at any OpenAI-compatible server (Ollama,
vLLM, LM Studio), so the text model tolerates servers without structured output.

Counting tries: the job runner owns retrying (`jobs.retry_later`), so by default
the SDK does not retry (`sdk_max_retries=0`). When it is set to, the SDK retries
rate limits, timeouts and 5xx itself, and the job runner counts those against the
same budget; each call's SDK retries are cut to what the running job has left
(`errors.http_attempts_left`), so they are never stacked on top of it. The SDK already knows the number: a successful call made through
`with_raw_response` carries `retries_taken`, and every request it sends carries
its retry index in the `x-stainless-retry-count` header, so a failed call's
`error.request` tells how many attempts came before it. Reading those keeps the
count exact per call without shared state between threads (an event hook on a
shared HTTP client would need thread-local bookkeeping). Each call therefore
sets `error.tries` on the ModelError it raises, and `last_tries` (per thread)
after success or failure.

Keys: one pair of models serves the whole process. A call made for a person who
entered their own key (`models.keys`) goes out with that key, through a copy of the
client that shares its connection pool; the key is never kept on the model.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import io
import json
import logging
import re
import threading
import time
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Sequence, cast, get_args

import httpx2
import openai
from PIL import Image

from ..config import Settings
from ..redaction import public_url, redact_secret
from . import keys
from .base import (ImageModel, ImageRequest, ImageResult, ModerationItem, ModerationModel, ModerationResult,
                   SpeechModel, SpeechRequest, SpeechResult, TextModel, TextRequest, TextResult)
from .errors import ModelConfigError, ModelError, RateLimitedError, RefusedError, TransientModelError, http_attempts_left

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

logger = logging.getLogger(__name__)

# Codes and words OpenAI uses when its safety system turns a request down.
_REFUSAL_CODES = {"content_policy_violation", "moderation_blocked", "content_filter", "safety_violation"}
_REFUSAL_WORDS = re.compile(r"safety system|content policy|content_policy|moderation|safety_violation", re.I)
# What a server says when it cannot do the response_format we asked for.
_FORMAT_WORDS = re.compile(r"response.?format|json.?schema|json.?object|structured.?output", re.I)
_MAX_EDIT_IMAGES = 16  # the edits endpoint takes at most 16 reference pictures
# The client cannot be built without some key; a model holding this one sends only session keys.
_NO_KEY = "no-key-of-its-own"


class _OpenAIBase:
    """What the text and image models share: one SDK client, try counting, error mapping."""

    kind = "text"

    def __init__(self, settings: Settings, *, model: str, timeout: float):
        self.model_id = model
        self._base_url = settings.base_url
        self._timeout = timeout
        self._sdk_retries = settings.sdk_max_retries
        self._local = threading.local()
        options: dict[str, Any] = dict(
            base_url=settings.base_url or None,
            # Connecting should be quick even when drawing takes minutes.
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
            max_retries=settings.sdk_max_retries,
        )
        try:
            self._client = openai.OpenAI(api_key=settings.api_key, **options)
            self._has_own_key = True
        except openai.OpenAIError:  # no key anywhere: each call must bring a session key
            self._client = openai.OpenAI(api_key=_NO_KEY, **options)
            self._has_own_key = False

    def __repr__(self) -> str:  # never shows the key
        where = f", base_url={public_url(self._base_url)!r}" if self._base_url else ""
        return f"{type(self).__name__}(model={self.model_id!r}{where})"

    @property
    def last_tries(self) -> int:
        """HTTP attempts made by the last call from this thread (SDK retries included)."""
        return getattr(self._local, "tries", 0)

    def close(self) -> None:
        self._client.close()

    def _client_for_call(self) -> openai.OpenAI:
        """The client, with this call's session key and its retries cut to what the running job's
        budget has left."""
        changes: dict[str, Any] = {}
        session_key = keys.current()
        if session_key is not None:
            changes["api_key"] = session_key
        elif not self._has_own_key:
            raise ModelConfigError("OpenAI needs an API key: set OPENAI_API_KEY.")
        left = http_attempts_left.get()
        if left is not None and self._sdk_retries != 0:
            retries = max(0, min(self._sdk_retries, left - 1))
            if retries != self._sdk_retries:
                changes["max_retries"] = retries
        return self._client.with_options(**changes) if changes else self._client

    def _call(self, send: Callable[[openai.OpenAI], Any]) -> Any:
        """Run one raw SDK call; return the parsed answer or raise a ModelError with `tries`."""
        error: ModelError | None = None
        try:
            client = self._client_for_call()
        except ModelConfigError as exc:
            raise self._with_tries(exc) from None
        try:
            raw = send(client)
        except openai.OpenAIError as exc:
            self._local.tries = self.last_tries + _tries_from_error(exc)
            error = self._map_error(exc)
        if error is not None:
            # Raised outside the except block so the SDK exception (whose request
            # still holds the Authorization header) is not chained onto ours.
            raise self._with_tries(error)
        self._local.tries = self.last_tries + raw.retries_taken + 1
        try:
            return raw.parse()
        except Exception:
            error = ModelError(f"The {self.kind} service sent an answer Storymaker could not read.")
        raise self._with_tries(error)

    def _start(self) -> None:
        self._local.tries = 0

    def _with_tries(self, error: ModelError) -> ModelError:
        error.tries = self.last_tries
        return error

    def _map_error(self, exc: openai.OpenAIError) -> ModelError:
        return map_openai_error(exc, service=self.kind, model=self.model_id, timeout=self._timeout,
                                secret=keys.current() or self._client.api_key)


class OpenAITextModel(_OpenAIBase, TextModel):
    is_offline = False
    supports_schema = True  # servers without it are met with simpler formats (below)
    languages = None  # writes in whatever language it is asked for

    def __init__(self, settings: Settings):
        super().__init__(settings, model=settings.text_model, timeout=settings.text_timeout)
        # How much structured output this server takes: json_schema, json_object or
        # nothing. Lowered when the server rejects a format, and kept for this client.
        self._formats = ["json_schema", "json_object", "none"]
        self._format_lock = threading.Lock()

    def complete(self, request: TextRequest) -> TextResult:
        self._start()
        while True:
            fmt = self._formats[0] if request.schema is not None else "none"
            try:
                completion = self._call(partial(self._send, request, fmt))
                break
            except _FormatRejected:
                if fmt == "none":
                    raise
                with self._format_lock:  # another thread may have lowered it already
                    if self._formats[0] == fmt:
                        self._formats.pop(0)
        return TextResult(_answer_text(completion, self._with_tries), *_usage(completion))

    def _send(self, request: TextRequest, fmt: str, client: openai.OpenAI) -> Any:
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        kwargs: dict[str, Any] = {}
        if fmt == "json_schema":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": request.schema, "strict": True},
            }
        elif request.schema is not None:
            # The server will not enforce the schema, so describe it in words instead
            # (json_object mode also needs the word "JSON" in the messages).
            _add_system_note(messages, "Answer with JSON only, matching this JSON schema:\n" + json.dumps(request.schema))
            if fmt == "json_object":
                kwargs["response_format"] = {"type": "json_object"}
        return client.chat.completions.with_raw_response.create(
            # Each dict is {"role": system|user|assistant, "content": str}: one of the SDK's
            # message shapes, which it types as a union of TypedDicts a plain dict cannot name.
            model=self.model_id, messages=cast("list[ChatCompletionMessageParam]", messages), **kwargs
        )

    def _map_error(self, exc: openai.OpenAIError) -> ModelError:
        error = super()._map_error(exc)
        if isinstance(error, ModelConfigError) and _rejects_format(exc):
            return _FormatRejected(str(error))
        return error


class _FormatRejected(ModelConfigError):
    """The server cannot do the response_format we asked for (try a simpler one)."""


def _add_system_note(messages: list[dict[str, str]], note: str) -> None:
    # Some chat templates accept a system message only at the start.
    if messages and messages[0]["role"] == "system":
        messages[0] = {"role": "system", "content": messages[0]["content"] + "\n\n" + note}
    else:
        messages.insert(0, {"role": "system", "content": note})


class OpenAIImageModel(_OpenAIBase, ImageModel):
    kind = "picture"
    is_offline = False
    supports_reference_images = True  # through the edits endpoint

    def __init__(self, settings: Settings):
        super().__init__(settings, model=settings.image_model, timeout=settings.image_timeout)
        self._size = settings.image_size
        self._quality = settings.image_quality

    def draw(self, request: ImageRequest) -> ImageResult:
        self._start()
        size = "1024x1024" if request.kind == "avatar" else self._size
        references = [c for c in request.characters if c.avatar][:_MAX_EDIT_IMAGES]
        # GPT image models always answer with base64 and reject response_format.
        if references:
            # Drawing from the avatars keeps each character looking the same on every page.
            files = [_avatar_file(c.name, c.avatar) for c in references]  # type: ignore[arg-type]
            send = partial(_edit, image=files, prompt=request.prompt, model=self.model_id, size=size, quality=self._quality)
        else:
            send = partial(
                _generate,
                model=self.model_id,
                prompt=request.prompt,
                size=size,
                quality=self._quality,
                output_format="png",
                n=1,
            )
        answer = self._call(send)
        image, png = self._decode(answer)
        return ImageResult(image, png=png)

    def _decode(self, answer: Any) -> tuple[Image.Image, bytes | None]:
        data = getattr(answer, "data", None) or []
        first = data[0] if data else None
        b64 = getattr(first, "b64_json", None)
        if not b64:
            if getattr(first, "url", None):
                message = (
                    "The picture service sent a link instead of the picture; "
                    "Storymaker needs a GPT image model, which returns the picture itself."
                )
            else:
                message = "The picture service answered without a picture."
            raise self._with_tries(ModelError(message))
        try:
            raw = base64.b64decode(b64, validate=False)
            with Image.open(io.BytesIO(raw)) as probe:
                probe.verify()  # catches truncated or corrupt files before we use them
            with Image.open(io.BytesIO(raw)) as image:
                # An RGB PNG is stored as received: re-encoding it costs ~100 ms of CPU per page.
                keep = raw if image.format == "PNG" and image.mode == "RGB" else None
                return image.convert("RGB"), keep
        except (binascii.Error, ValueError, OSError, Image.DecompressionBombError):
            raise self._with_tries(ModelError("The picture service sent a picture Storymaker could not open.")) from None


class OpenAISpeechModel(_OpenAIBase, SpeechModel):
    """Narration through the audio.speech endpoint, as MP3 (small, and every browser and EPUB
    reader plays it)."""

    kind = "voice"

    def __init__(self, settings: Settings):
        super().__init__(settings, model=settings.speech_model, timeout=settings.speech_timeout)
        self.voices = sdk_voices()

    def speak(self, request: SpeechRequest) -> SpeechResult:
        self._start()
        kwargs: dict[str, Any] = dict(model=self.model_id, voice=request.voice, input=request.text,
                                      response_format="mp3")
        if not self.model_id.startswith("tts-1"):  # the tts-1 models take no instructions
            kwargs["instructions"] = _READING.format(language=request.language or "English")
        answer = self._call(lambda client: client.audio.speech.with_raw_response.create(**kwargs))
        audio = getattr(answer, "content", b"")
        if not isinstance(audio, bytes) or not audio:
            raise self._with_tries(ModelError("The voice service answered without any audio."))
        mime = str(getattr(getattr(answer, "response", None), "headers", {}).get("content-type", "audio/mpeg"))
        mime = mime.split(";")[0].strip().lower()
        # A compatible server may ignore the format asked for; what it says it sent decides.
        return SpeechResult(audio, mime if mime.startswith("audio/") else "audio/mpeg", len(request.text))


class OpenAIModerationModel(_OpenAIBase, ModerationModel):
    """The safety check through the moderations endpoint (free at OpenAI). All text items go in one
    call (the endpoint takes a list and answers one result per entry); each picture is a call of its
    own, as a small JPEG in a data: URL. An OpenAI-compatible server without the endpoint (a 404)
    is met with the word list instead, for the life of this model, and says so (`fallback`)."""

    kind = "safety check"

    def __init__(self, settings: Settings):
        super().__init__(settings, model=settings.moderation_model, timeout=min(settings.text_timeout, 30.0))
        # The omni models read pictures; the older text-moderation models only words.
        self.checks_images = self.model_id.startswith("omni")
        self._compatible_server = bool(settings.base_url)
        self.fallback: ModerationModel | None = None

    def moderate(self, items: Sequence[ModerationItem]) -> list[ModerationResult]:
        if self.fallback is not None:
            return self.fallback.moderate(items)
        self._start()
        results: list[ModerationResult | None] = [None] * len(items)
        texts = [n for n, item in enumerate(items) if item.image is None]
        try:
            if texts:
                words = [items[n].text for n in texts]
                answer = self._call(partial(_moderations, model=self.model_id, input=words))
                found = _moderation_results(answer)
                if len(found) != len(texts):
                    raise self._with_tries(ModelError("The safety check service answered for the wrong number of texts."))
                for n, result in zip(texts, found, strict=True):
                    results[n] = result
            for n, item in enumerate(items):
                if item.image is None:
                    continue
                parts: list[dict[str, Any]] = [{"type": "image_url", "image_url": {"url": _data_url(item.image)}}]
                if item.text:
                    parts.insert(0, {"type": "text", "text": item.text})
                answer = self._call(partial(_moderations, model=self.model_id, input=parts))
                found = _moderation_results(answer)
                if not found:
                    raise self._with_tries(ModelError("The safety check service answered without a result."))
                results[n] = found[0]
        except ModelConfigError as error:
            if not (self._compatible_server and "was not found" in str(error)):
                raise
            from .offline_moderation import WordListModel

            logger.warning("%s has no moderation endpoint: the word list checks words instead", self._base_url_host)
            self.fallback = WordListModel()
            return self.fallback.moderate(items)
        return [r for r in results if r is not None]

    @property
    def _base_url_host(self) -> str:
        return public_url(self._base_url or "") or "the server"


def _moderations(client: openai.OpenAI, **kwargs: Any) -> Any:
    return client.moderations.with_raw_response.create(**kwargs)


def _moderation_results(answer: Any) -> list[ModerationResult]:
    out = []
    for result in getattr(answer, "results", None) or []:
        scores = _by_alias(getattr(result, "category_scores", None))
        flags = _by_alias(getattr(result, "categories", None))
        out.append(ModerationResult(
            scores={name: float(value) for name, value in scores.items() if isinstance(value, (int, float))},
            flagged=tuple(name for name, value in flags.items() if value is True)))
    return out


def _by_alias(model: Any) -> dict[str, Any]:
    if model is None:
        return {}
    if hasattr(model, "model_dump"):
        return dict(model.model_dump(by_alias=True))
    return dict(model) if isinstance(model, dict) else {}


def _data_url(picture: bytes) -> str:
    """The picture as a data: URL the moderation model reads: a JPEG at most 512 px, a few dozen KB
    instead of a megabyte of PNG (the check needs no detail)."""
    with Image.open(io.BytesIO(picture)) as image:
        small = image.convert("RGB")
        small.thumbnail((512, 512))
        buffer = io.BytesIO()
        small.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def sdk_moderation_models() -> tuple[str, ...]:
    """The moderation models the installed SDK lists."""
    try:
        from openai.types import moderation_model

        return tuple(arg for arg in get_args(moderation_model.ModerationModel) if isinstance(arg, str))
    except (ImportError, AttributeError):
        return ("omni-moderation-latest",)


# How a narrator reads a picture book (the gpt-4o-mini-tts family follows instructions).
_READING = ("Read this page of a children's picture book aloud in {language}, warmly and clearly, "
            "at an unhurried pace, as a parent reads at bedtime.")


def sdk_voices() -> tuple[str, ...]:
    """The built-in voices the installed SDK lists for text to speech, in its order."""
    try:
        from openai.types.audio import speech_create_params

        names: list[str] = []
        for member in get_args(speech_create_params.Voice):
            names += [arg for arg in get_args(member) if isinstance(arg, str)]
        if names:
            return tuple(dict.fromkeys(names))
    except (ImportError, AttributeError):
        pass
    return ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer")


# -- helpers -------------------------------------------------------------------


def _generate(client: openai.OpenAI, **kwargs: Any) -> Any:
    return client.images.with_raw_response.generate(**kwargs)


def _edit(client: openai.OpenAI, **kwargs: Any) -> Any:
    return client.images.with_raw_response.edit(**kwargs)


def map_openai_error(
    exc: BaseException, *, service: str = "text", model: str = "", timeout: float | None = None, secret: str = ""
) -> ModelError:
    """Turn an SDK exception into a ModelError whose message a parent can read."""
    reason = _service_message(exc, secret)
    status = getattr(exc, "status_code", None)
    if isinstance(exc, openai.APITimeoutError):
        within = f" within {timeout:g} seconds" if timeout else ""
        return TransientModelError(f"The {service} service did not answer{within}.")
    if isinstance(exc, openai.APIConnectionError):
        return TransientModelError(f"Could not reach the {service} service; check the network or OPENAI_BASE_URL.")
    if isinstance(exc, openai.RateLimitError):
        if _code(exc) == "insufficient_quota":  # a 429 that waiting cannot fix
            return ModelConfigError("The OpenAI account has run out of credit; check its plan and billing.")
        return RateLimitedError(
            f"The {service} service is busy (rate limit reached).",
            retry_after=_retry_after(exc),
        )
    if isinstance(exc, openai.APIStatusError) and (status is None or status >= 500 or status in (408, 409)):
        return TransientModelError(
            f"The {service} service had a problem (error {status}).",
            retry_after=_retry_after(exc),
        )
    if isinstance(exc, openai.BadRequestError) and (_code(exc) in _REFUSAL_CODES or _REFUSAL_WORDS.search(reason)):
        error = RefusedError(f"The {service} service refused this request: {reason or 'its safety system said no.'}")
        error.reason = reason  # type: ignore[attr-defined]
        return error
    if isinstance(exc, openai.AuthenticationError):
        return ModelConfigError("The OpenAI key was not accepted; check OPENAI_API_KEY.")
    if isinstance(exc, openai.NotFoundError):
        return ModelConfigError(
            f"The model {model!r} was not found; check the model name and OPENAI_BASE_URL." + _suffix(reason)
        )
    if isinstance(exc, openai.PermissionDeniedError):
        return ModelConfigError(f"This OpenAI key may not use the model {model!r}." + _suffix(reason))
    if isinstance(exc, openai.APIStatusError):
        return ModelConfigError(f"The {service} service turned the request down (error {status})." + _suffix(reason))
    return ModelError(f"The {service} service failed unexpectedly ({type(exc).__name__}).")


def _tries_from_error(exc: BaseException) -> int:
    # The SDK stamps each attempt with its retry index; the failing attempt's
    # request is on the exception (status, timeout and connection errors alike).
    request = getattr(exc, "request", None)
    try:
        return int(request.headers.get("x-stainless-retry-count", "0")) + 1  # type: ignore[union-attr]
    except (AttributeError, TypeError, ValueError):
        return 1


def _code(exc: BaseException) -> str:
    return str(getattr(exc, "code", None) or "")


def _service_message(exc: BaseException, secret: str) -> str:
    """The service's own explanation, cleaned for people: no JSON, no HTML, no key."""
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else body if isinstance(body, str) else None
    if not isinstance(message, str) or message.lstrip().startswith(("{", "[", "<")):
        return ""
    # Hidden before cutting, so a key split by the cut is still recognised.
    message = redact_secret(" ".join(message.split()), secret)
    return message[:300] + ("..." if len(message) > 300 else "")


def _suffix(reason: str) -> str:
    return f" The service said: {reason}" if reason else ""


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the service asked us to wait (retry-after-ms or retry-after), if it did."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) / scale, 0.0)
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is not None:
                return max(email.utils.mktime_tz(parsed) - time.time(), 0.0)
    return None


def _rejects_format(exc: BaseException) -> bool:
    """Did the server turn the request down because of response_format?"""
    if not isinstance(exc, (openai.BadRequestError, openai.UnprocessableEntityError)):
        return False
    param = str(getattr(exc, "param", None) or "")
    return param.startswith("response_format") or bool(_FORMAT_WORDS.search(_service_message(exc, "") or str(exc)))


def _answer_text(completion: Any, with_tries: Callable[[ModelError], ModelError]) -> str:
    choices = getattr(completion, "choices", None) or []
    if not choices:
        raise with_tries(ModelError("The text service answered without any text."))
    message = getattr(choices[0], "message", None)
    refusal = getattr(message, "refusal", None)
    if refusal:
        error = RefusedError(f"The text service declined to write this: {' '.join(str(refusal).split())}")
        error.reason = refusal  # type: ignore[attr-defined]
        raise with_tries(error)
    text = _content_text(getattr(message, "content", None))
    if text is None or not text.strip():
        if getattr(choices[0], "finish_reason", None) == "content_filter":
            raise with_tries(RefusedError("The text service's safety filter stopped this story."))
        raise with_tries(ModelError("The text service sent an empty answer."))
    return text


def _content_text(content: Any) -> str | None:
    # Usually a string; some compatible servers send a list of parts instead.
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") if isinstance(p, dict) else getattr(p, "text", None) for p in content]
        return "".join(p for p in parts if isinstance(p, str)) or None
    if isinstance(content, dict) and isinstance(content.get("text"), str):
        return content["text"]
    return None


def _usage(completion: Any) -> tuple[int, int]:
    usage = getattr(completion, "usage", None)
    return (int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0))


def _avatar_file(name: str, data: bytes) -> tuple[str, bytes, str]:
    # Bytes (not file objects) so the SDK can resend them when it retries.
    if data.startswith(b"\xff\xd8"):
        ext, mime = "jpg", "image/jpeg"
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        ext, mime = "webp", "image/webp"
    else:
        ext, mime = "png", "image/png"
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "character"
    return (f"avatar_{safe}.{ext}", data, mime)
