"""A fake OpenAI-compatible HTTP server on 127.0.0.1, for tests and benchmarks.

It speaks just enough of the API for Storymaker: chat completions, image
generations, image edits (multipart), text to speech, moderations and the model list. It records every
request, answers from a per-endpoint queue of canned responses when one is
queued, and otherwise gives a valid default answer (a story that fits the
requested JSON schema, a PNG whose colour changes per request, silent MP3 as long
as the words would take to say).

    with FakeOpenAI() as fake:
        fake.enqueue("chat", status=429, headers={"Retry-After": "1"}, json=error_body("Slow down"))
        fake.latency["images"] = 0.5
        client = openai.OpenAI(api_key="test-key", base_url=fake.base_url)
        ...
        assert fake.requests_for("chat")[0].json["model"] == "..."

Besides queued answers it can fail at random (`faults(0.3)`: 30% of requests get a
429 or a 503) and go down for a while (`outage(20)`: every endpoint answers 503 for
20 seconds); `faults_served` counts those answers.

No pytest imports here: the benchmark scripts use it too.

Moderations flag on cue: any text holding a key of `flag_words` (default "FLAGME") is flagged in
that category with a score of 0.9, `flag_when(text)` may name a category for any text, and
`flag_pictures` (a category) flags every picture; everything else scores 0.0001.

Endpoint names (for `enqueue`, `latency`, `hold`, `requests_for`): "chat",
"generations", "edits", "models", "speech", "moderations", and "images", which stands for both
picture endpoints. A specific name wins over "images" when both have something queued.
"""

from __future__ import annotations

import base64
import colorsys
import hashlib
import io
import itertools
import socket
import json as jsonlib
import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from PIL import Image

from tests.fakes.audio import silent_mp3

_PATHS = {
    ("POST", "/v1/chat/completions"): "chat",
    ("POST", "/v1/images/generations"): "generations",
    ("POST", "/v1/images/edits"): "edits",
    ("GET", "/v1/models"): "models",
    ("POST", "/v1/audio/speech"): "speech",
    ("POST", "/v1/moderations"): "moderations",
}
# Which queue/latency/gate names apply to an endpoint, most specific first.
_ALIASES = {
    "chat": ("chat",),
    "generations": ("generations", "images"),
    "edits": ("edits", "images"),
    "models": ("models",),
    "speech": ("speech",),
    "moderations": ("moderations",),
}
ENDPOINTS = ("chat", "generations", "edits", "models", "images", "speech", "moderations")
# The moderation categories the omni models answer with, in the SDK's order.
MODERATION_CATEGORIES = ("harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
                         "illicit/violent", "self-harm", "self-harm/instructions", "self-harm/intent", "sexual",
                         "sexual/minors", "violence", "violence/graphic")
SAFETY_MESSAGE = "Your request was rejected as a result of our safety system."


def error_body(message: str, type: str = "invalid_request_error", code: str | None = None, param: str | None = None) -> dict:
    """An error body shaped like OpenAI's."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


@dataclass
class UploadedFile:
    field: str  # the form field, e.g. "image[]"
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


@dataclass
class RecordedRequest:
    method: str
    path: str
    endpoint: str  # "chat", "generations", "edits", "models" or "unknown"
    headers: dict[str, str]  # lower-case names; the Authorization value is never kept
    has_auth: bool  # an Authorization header was sent
    json: Any = None  # the parsed JSON body, when there was one
    form: dict[str, Any] = field(default_factory=dict)  # multipart text fields (a list when repeated)
    files: list[UploadedFile] = field(default_factory=list)
    at: float = 0.0  # time.monotonic() when the request arrived
    status: int | None = None  # the status answered (None while still in flight)
    colour: tuple[int, int, int] | None = None  # colour of the picture served, for image answers

    @property
    def retry_count(self) -> int:
        """The SDK's own count of retries before this attempt (x-stainless-retry-count)."""
        return int(self.headers.get("x-stainless-retry-count", "0") or 0)


@dataclass
class CannedResponse:
    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | str | None = None  # raw body, used when json is None
    delay: float = 0.0  # extra seconds before answering
    disconnect: bool = False  # close the connection without answering (a connection error)


class FakeOpenAI:
    """The fake server; use as a context manager (or call start() and stop())."""

    def __init__(self, *, image_size: tuple[int, int] | None = None, models: list[str] | None = None):
        self.requests: list[RecordedRequest] = []
        self.latency: dict[str, float] = {}  # seconds added before answering, per endpoint name
        self.gates: dict[str, threading.Event] = {}  # requests wait until the event is set
        self.story_answer: Callable[[dict], str] = default_story_answer
        # None serves the size the request asked for ("auto" and unknown sizes give 1024x1024).
        self.image_size = image_size
        self.models = models or ["gpt-5.4-mini", "gpt-image-2"]
        self.expected_key: str | None = None  # when set, other keys get a 401 like OpenAI's
        # Moderation cues: marker word -> category; a callable text -> category or None; pictures' category.
        self.flag_words: dict[str, str] = {"FLAGME": "violence/graphic"}
        self.flag_when: Callable[[str], str | None] | None = None
        self.flag_pictures: str | None = None
        self.in_flight = 0
        self.max_in_flight = 0  # peak number of requests handled at once
        self.faults_served = 0  # answers from `faults()` and `outage()`, not from the queue
        self._fault_rate = 0.0
        self._fault_statuses: tuple[int, ...] = ()
        self._fault_headers: dict[str, str] = {}
        self._random = random.Random(0)
        self._outage_until = 0.0
        self._outage_status = 503
        self._queues: dict[str, deque[CannedResponse]] = {name: deque() for name in ENDPOINTS}
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._picture_counter = itertools.count()
        self._png_cache: dict[tuple, bytes] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------

    def start(self) -> "FakeOpenAI":
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on latency or gates
        for gate in list(self.gates.values()):
            gate.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeOpenAI is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # -- scripting ----------------------------------------------------------

    def enqueue(
        self,
        endpoint: str,
        *,
        status: int = 200,
        json: Any = None,
        headers: dict[str, str] | None = None,
        body: bytes | str | None = None,
        delay: float = 0.0,
        disconnect: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests to `endpoint` with this response."""
        self._check(endpoint)
        canned = CannedResponse(status, json, dict(headers or {}), body, delay, disconnect)
        with self._lock:
            self._queues[endpoint].extend([canned] * times)

    def enqueue_error(
        self,
        endpoint: str,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        self.enqueue(endpoint, status=status, json=error_body(message, type, code, param), headers=headers, times=times)

    def fail_next(self, endpoint: str, n: int = 1, status: int = 500, *, headers: dict[str, str] | None = None) -> None:
        """The next n requests fail with `status` (a server error by default)."""
        message = "The server had an error while processing your request. Sorry about that!"
        kind = "server_error" if status >= 500 else "invalid_request_error"
        self.enqueue_error(endpoint, status, message, type=kind, headers=headers, times=n)

    def rate_limit(self, endpoint: str, n: int = 1, *, retry_after: float | None = 1) -> None:
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
        message = "Rate limit reached for requests. Please try again in 1s."
        self.enqueue_error(endpoint, 429, message, type="requests", code="rate_limit_exceeded", headers=headers, times=n)

    def faults(
        self, rate: float, statuses: tuple[int, ...] = (429, 503), *, seed: int = 0, retry_after: float | None = None
    ) -> None:
        """From now on a share `rate` of requests to any endpoint (queued answers aside) fail with one of `statuses`."""
        with self._lock:
            self._fault_rate, self._fault_statuses = rate, tuple(statuses)
            self._fault_headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
            self._random = random.Random(seed)

    def outage(self, seconds: float, status: int = 503) -> None:
        """Every endpoint answers `status` for the next `seconds` (queued answers aside)."""
        with self._lock:
            self._outage_until, self._outage_status = time.monotonic() + seconds, status

    def _fault(self) -> CannedResponse | None:
        with self._lock:
            if time.monotonic() < self._outage_until:
                status, headers = self._outage_status, {}
            elif self._fault_rate and self._random.random() < self._fault_rate:
                status, headers = self._random.choice(self._fault_statuses), dict(self._fault_headers)
            else:
                return None
            self.faults_served += 1
        if status == 429:
            body = error_body("Rate limit reached for requests.", type="requests", code="rate_limit_exceeded")
        else:
            body = error_body("The server is overloaded or not ready yet.", type="server_error")
        return CannedResponse(status, body, headers if status == 429 else {})

    def refuse(self, endpoint: str = "images", message: str = SAFETY_MESSAGE, *, code: str = "content_policy_violation") -> None:
        """The next request is rejected by the 'safety system' (400, not worth retrying)."""
        self.enqueue_error(endpoint, 400, message, code=code)

    def hold(self, endpoint: str) -> threading.Event:
        """Requests to `endpoint` wait until the returned event is set ('slow on cue')."""
        self._check(endpoint)
        gate = self.gates[endpoint] = threading.Event()
        return gate

    def pending(self, endpoint: str) -> int:
        """Canned responses still queued for `endpoint`."""
        with self._lock:
            return len(self._queues[endpoint])

    def reset(self) -> None:
        """Forget recorded requests, queued responses, latencies and gates."""
        with self._lock:
            self.requests.clear()
            for queue in self._queues.values():
                queue.clear()
        for gate in self.gates.values():
            gate.set()
        self.gates.clear()
        self.latency.clear()

    # -- inspection ---------------------------------------------------------

    def requests_for(self, endpoint: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if endpoint in _ALIASES.get(r.endpoint, (r.endpoint,))]

    def wait_for_requests(self, n: int, endpoint: str | None = None, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until at least n requests (to `endpoint`, or any) have arrived."""
        deadline = time.monotonic() + timeout

        def matching() -> list[RecordedRequest]:
            if endpoint is None:
                return list(self.requests)
            return [r for r in self.requests if endpoint in _ALIASES.get(r.endpoint, (r.endpoint,))]

        with self._arrived:
            while len(found := matching()) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"only {len(found)} of {n} requests arrived")
                self._arrived.wait(left)
            return found

    # -- internals used by the handler ---------------------------------------

    def _check(self, endpoint: str) -> None:
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; use one of {', '.join(ENDPOINTS)}")

    def _record(self, request: RecordedRequest) -> None:
        with self._arrived:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._arrived.notify_all()

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _next_canned(self, endpoint: str) -> CannedResponse | None:
        with self._lock:
            for name in _ALIASES.get(endpoint, ()):
                if self._queues[name]:
                    return self._queues[name].popleft()
        return None

    def _wait(self, endpoint: str) -> None:
        """Apply injected latency and gates; wakes early when the server stops."""
        names = _ALIASES.get(endpoint, ())
        seconds = next((self.latency[n] for n in names if self.latency.get(n)), 0.0)
        if seconds:
            self._stopping.wait(seconds)
        for name in names:
            gate = self.gates.get(name)
            if gate is not None:
                while not gate.wait(0.05) and not self._stopping.is_set():
                    pass

    def _picture(self, size: tuple[int, int]) -> tuple[bytes, tuple[int, int, int]]:
        # A colour per request (golden-ratio hues, 48 of them) so tests can tell
        # pictures apart; encoded PNGs are cached per colour and size to stay fast.
        n = next(self._picture_counter)
        hue = ((n * 0.618033988749895) % 1.0)
        hue = round(hue * 48) % 48 / 48
        colour = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.55, 0.9))
        key = (colour, size)
        png = self._png_cache.get(key)
        if png is None:
            buf = io.BytesIO()
            Image.new("RGB", size, colour).save(buf, format="PNG", compress_level=1)
            png = self._png_cache[key] = buf.getvalue()
        return png, colour  # type: ignore[return-value]

    def _image_size_for(self, requested: Any) -> tuple[int, int]:
        if self.image_size:
            return self.image_size
        try:
            w, h = (int(part) for part in str(requested).lower().split("x"))
            if 0 < w <= 4096 and 0 < h <= 4096:
                return (w, h)
        except ValueError:
            pass
        return (1024, 1024)


# -- default answers ----------------------------------------------------------


def default_story_answer(request_json: dict) -> str:
    """A valid story as a JSON string, shaped by the request's JSON schema when there is one.

    Without a schema: {"scenes": [...]} with 10 scenes starring "Mia". Asked for one page (the prompts
    `rewrite_page.md` and `write_page.md`, known by their first line), one page: `page_answer`.
    """
    page = page_answer(request_json)
    if page is not None:
        return page
    schema = _request_schema(request_json)
    if schema is None:
        schema = {
            "type": "object",
            "properties": {
                "scenes": {
                    "type": "array",
                    "minItems": 10,
                    "items": {
                        "type": "object",
                        "properties": {
                            name: {"type": "integer" if name == "scene" else "string"}
                            for name in ("scene", "title", "text", "illustration")
                        }
                        | {"characters": {"type": "array", "items": {"type": "string", "enum": ["Mia"]}}},
                    },
                }
            },
        }
    return jsonlib.dumps(_instance(schema, schema, index=0, key=""), ensure_ascii=False)


REWRITE_MARKER = "Rewrite the words of one page of a children's picture book."
NEW_PAGE_MARKER = "Write one new page for a children's picture book"


def page_answer(request_json: dict) -> str | None:
    """One page's JSON for a page prompt, None for any other request. A rewrite keeps the page's first
    sentence and tells the rest anew ("shorter" in the instruction: only the first sentence); a new page
    stars the book's first character."""
    asks = [str(m.get("content") or "") for m in request_json.get("messages", []) if m.get("role") == "user"]
    prompt = next((a for a in asks if a.startswith((REWRITE_MARKER, NEW_PAGE_MARKER))), None)
    if prompt is None:
        return None
    if prompt.startswith(REWRITE_MARKER):
        found = re.search(r"^Page (\d+) as it is now:\nTitle: (.*)\nText: (.*?)\nWhat its picture shows:", prompt,
                          re.MULTILINE | re.DOTALL)
        number, title, text = (found.group(1), found.group(2), found.group(3)) if found else ("1", "Page", "")
        wish = re.search(r"^The author asks for this change.*?: (.*)$", prompt, re.MULTILINE)
        first = re.split(r"(?<=[.!?])\s+", text.strip())[0] if text.strip() else f"Page {number} begins."
        told = first if wish and "shorter" in wish.group(1).lower() else (
            f"{first} Then, with a smile and a wave, the friends went on together, one happy step at a time.")
        return jsonlib.dumps({"title": f"{title} Anew", "text": told}, ensure_ascii=False)
    names = re.findall(r"^- ([^:;\n]+?)(?::|;|$)", prompt.split("The book's pages as they are now:")[0], re.MULTILINE)
    hero = names[0] if names else "Mia"
    return jsonlib.dumps({"title": "One More Try", "text": f"{hero} had one more idea, and tried it with a grin.",
                          "illustration": f"A sunny afternoon in the garden; {hero} tries a new idea, smiling.",
                          "characters": [hero]}, ensure_ascii=False)


def _request_schema(request_json: dict) -> dict | None:
    fmt = request_json.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return (fmt.get("json_schema") or {}).get("schema")
    return None


def _resolve(node: dict, root: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    for combo in ("anyOf", "oneOf"):
        if combo in node:  # pick the first branch that is not null
            branches = [b for b in node[combo] if _resolve(b, root).get("type") != "null"]
            return _resolve(branches[0] if branches else node[combo][0], root)
    return node


def _instance(node: dict, root: dict, *, index: int, key: str) -> Any:
    """A value that satisfies `node` (the JSON-schema subset structured output uses)."""
    node = _resolve(node, root)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][index % len(node["enum"])]
    if kind == "object" or "properties" in node:
        return {
            name: _instance(sub, root, index=index, key=name) for name, sub in node.get("properties", {}).items()
        }
    if kind == "array":
        items = _resolve(node.get("items", {}), root)
        if "enum" in items:  # e.g. character names: all of them, within the limits
            count = max(node.get("minItems", 1), min(len(items["enum"]), node.get("maxItems", len(items["enum"]))))
        else:
            count = node.get("minItems", 10)
        return [_instance(items, root, index=i, key=key) for i in range(count)]
    if kind in ("integer", "number"):
        return index + 1 if key.lower() in ("scene", "page", "number", "index") else max(node.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    return _text_for(key, index, node.get("minLength", 1))


def _text_for(key: str, index: int, min_length: int) -> str:
    page = index + 1
    texts = {
        "title": f"Page {page}",
        "text": f"On page {page} the friends took one more brave step together.",
        "illustration": f"A sunny meadow, page {page}, the friends smiling, soft morning light",
        "characters": "Mia",
    }
    text = texts.get(key.lower(), f"{key or 'value'} {page}")
    return text.ljust(min_length, ".")


# -- HTTP ----------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # ten parallel pages must not overflow the listen backlog
    fake: FakeOpenAI

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()

    def close_connections(self) -> None:
        """End idle keep-alive connections so their handler threads finish too."""
        with self.lock:
            connections = list(self.connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real service
    timeout = 30  # idle keep-alive connections do not hold a thread for ever
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections.add(self.connection)
        # Without this, Nagle's algorithm meets delayed ACKs and every answer waits ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self) -> None:
        with self.server.lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake = self.server.fake
        path = self.path.split("?", 1)[0]
        endpoint = _PATHS.get((self.command, path), "unknown")
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() != "authorization"}
        record = RecordedRequest(
            self.command, path, endpoint, headers, has_auth="Authorization" in self.headers, at=time.monotonic()
        )
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("multipart/form-data"):
            record.form, record.files = parse_multipart(body, content_type)
        elif body:
            try:
                record.json = jsonlib.loads(body)
            except ValueError:
                pass
        fake._record(record)
        try:
            fake._wait(endpoint)
            canned = fake._next_canned(endpoint)
            if canned is None and endpoint != "unknown":
                canned = fake._fault()
            if canned is not None:
                if canned.delay:
                    fake._stopping.wait(canned.delay)
                if canned.disconnect:
                    record.status = 0
                    self.close_connection = True
                    return
                record.status = canned.status
                payload = canned.json if canned.json is not None else canned.body
                self._send(canned.status, payload, canned.headers)
                return
            status, payload = self._default(fake, endpoint, record)
            record.status = status
            self._send(status, payload, {})
        finally:
            fake._done()

    def _default(self, fake: FakeOpenAI, endpoint: str, record: RecordedRequest) -> tuple[int, Any]:
        if fake.expected_key is not None:
            sent = self.headers.get("Authorization", "")
            if sent != f"Bearer {fake.expected_key}":
                message = "Incorrect API key provided: sk-***. You can find your API key in your account settings."
                return 401, error_body(message, code="invalid_api_key")
        if endpoint == "chat":
            return 200, _chat_answer(fake, record.json or {})
        if endpoint in ("generations", "edits"):
            fields = record.json if endpoint == "generations" else record.form
            png, colour = fake._picture(fake._image_size_for((fields or {}).get("size")))
            record.colour = colour
            return 200, {
                "created": int(time.time()),
                "data": [{"b64_json": base64.b64encode(png).decode("ascii")}],
                "usage": {
                    "input_tokens": 50,
                    "input_tokens_details": {"image_tokens": 0, "text_tokens": 50},
                    "output_tokens": 1056,
                    "total_tokens": 1106,
                },
            }
        if endpoint == "moderations":
            return 200, _moderation_answer(fake, record.json or {})
        if endpoint == "speech":
            words = str((record.json or {}).get("input") or "")
            # About as long as a voice takes to say the words (15 characters a second).
            return 200, _Audio(silent_mp3(max(0.5, len(words) / 15)), "audio/mpeg")
        if endpoint == "models":
            created = int(time.time())
            models = [{"id": m, "object": "model", "created": created, "owned_by": "fake"} for m in fake.models]
            return 200, {"object": "list", "data": models}
        return 404, error_body(f"Unknown request URL: {self.command} {record.path}.", code="unknown_url")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        if isinstance(payload, _Audio):
            data, content_type = payload.data, payload.mime
        elif isinstance(payload, (dict, list)):
            data = jsonlib.dumps(payload).encode()
            content_type = "application/json"
        else:
            data = payload.encode() if isinstance(payload, str) else (payload or b"")
            content_type = "text/plain; charset=utf-8"
        try:
            self.send_response(status)
            names = {k.lower() for k in headers}
            if "content-type" not in names:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-request-id", "req_fake_" + hashlib.sha1(str(time.monotonic_ns()).encode()).hexdigest()[:12])
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (its timeout) before we answered
            self.close_connection = True


@dataclass(frozen=True)
class _Audio:
    data: bytes
    mime: str


def _chat_answer(fake: FakeOpenAI, request_json: dict) -> dict:
    content = fake.story_answer(request_json)
    prompt_tokens = max(1, len(jsonlib.dumps(request_json.get("messages", []))) // 4)
    completion_tokens = max(1, len(content or "") // 4)
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request_json.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _moderation_answer(fake: FakeOpenAI, request_json: dict) -> dict:
    """One result per input: a string, each string of a list, or a list of parts (one result for all)."""
    given = request_json.get("input")
    if isinstance(given, list) and given and isinstance(given[0], dict):
        inputs: list[Any] = [given]
    elif isinstance(given, list):
        inputs = given
    else:
        inputs = [given]
    return {"id": "modr-fake", "model": request_json.get("model", "omni-moderation-latest"),
            "results": [_moderation_result(fake, item) for item in inputs]}


def _moderation_result(fake: FakeOpenAI, item: Any) -> dict:
    texts, pictures = [], 0
    for part in item if isinstance(item, list) else [item]:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict) and part.get("type") == "text":
            texts.append(str(part.get("text") or ""))
        elif isinstance(part, dict) and part.get("type") == "image_url":
            pictures += 1
    text = "\n".join(texts)
    hits = {category for marker, category in fake.flag_words.items() if marker in text}
    if fake.flag_when is not None and (named := fake.flag_when(text)):
        hits.add(named)
    if pictures and fake.flag_pictures:
        hits.add(fake.flag_pictures)
    scores = {name: (0.9 if name in hits else 0.0001) for name in MODERATION_CATEGORIES}
    kinds = {name: ["text"] + (["image"] if pictures and name in ("sexual", "violence", "violence/graphic",
                                                                   "self-harm", "self-harm/intent",
                                                                   "self-harm/instructions") else [])
             for name in MODERATION_CATEGORIES}
    return {"flagged": bool(hits), "categories": {name: name in hits for name in MODERATION_CATEGORIES},
            "category_scores": scores, "category_applied_input_types": kinds}


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], list[UploadedFile]]:
    """Split a multipart/form-data body into text fields and files (byte-exact)."""
    boundary = ""
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary":
            boundary = value.strip('"')
    form: dict[str, Any] = {}
    files: list[UploadedFile] = []
    if not boundary:
        return form, files
    delimiter = b"--" + boundary.encode()
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):  # the closing delimiter
            break
        part = part[2:] if part.startswith(b"\r\n") else part
        head, _, data = part.partition(b"\r\n\r\n")
        data = data[:-2] if data.endswith(b"\r\n") else data
        part_headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            part_headers[name.strip().lower()] = value.strip()
        disposition = _params(part_headers.get("content-disposition", ""))
        field_name = disposition.get("name", "")
        if "filename" in disposition:
            files.append(UploadedFile(field_name, disposition["filename"], part_headers.get("content-type"), data))
        else:
            value = data.decode("utf-8", "replace")
            if field_name in form:
                previous = form[field_name]
                form[field_name] = (previous if isinstance(previous, list) else [previous]) + [value]
            else:
                form[field_name] = value
    return form, files


def _params(header: str) -> dict[str, str]:
    params = {}
    for piece in header.split(";")[1:]:
        name, _, value = piece.strip().partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return params
