"""The public reading page of a share link: `/read/{token}` and its pictures, without an account.

A Starlette route beside the app (not a Streamlit page): a reader with the link needs no
Streamlit session and never runs the Studio's code, and a chat app unfurling the link reads
the Open Graph tags from server-rendered HTML, with no JavaScript. These routes and nothing else:

    GET /read/{token}?page=N        the cover (N = 0, counted as one open) or page N, as HTML
    GET /read/{token}/picture/{n}   the cover (0) or page n's picture, a JPEG sized for screens
    GET /read/{token}/pages         every page's words and picture address, as JSON, for reading
                                    the whole book aloud without a navigation
    GET /read/{token}/narration/{n} page n's narration audio (0: the cover's), when it has one
    GET /read/player.js             the read-aloud player (no token: a "." is never in one)

The page reads without any script; the player only adds Read aloud to it (its words, lit as
they are spoken). It is the one script the page runs, from this origin, so the CSP needs no
'unsafe-inline'; the page's own data sits in a JSON block, which no browser runs.

Whatever is wrong with a token (wrong, malformed, revoked, expired, its book deleted) gets
the same status and the same body, after the same single lookup, so nothing says whether
a book exists. The token is in the path, so pages send no Referer and ask not to be indexed;
no token is ever logged.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import json
import logging
from importlib import resources
from typing import Any, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from app_web.sign_in import engine  # one Engine per settings for every route of the app
from storymaker.errors import Busy, StorymakerError
from storymaker.services import sharing
from storymaker.services.sharing import BeingChanged, LinkGone, PublicPage

PREFIX = "/read"
GONE = "This link no longer works."
log = logging.getLogger(__name__)

# Security headers of every answer: the token is in the path (no Referer may carry it
# elsewhere), the page is nobody's to index, and nothing in it runs but the player.
_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow", "X-Content-Type-Options": "nosniff"}


# -- the fonts: the book's look, subset to the characters of the page ---------------------

_FONTS = resources.files("storymaker.exports") / "fonts"
TITLE_FONT, WORDS_FONT = "FredokaOne-Regular.ttf", "SourceSansPro-Regular.ttf"


@functools.lru_cache(maxsize=512)
def _font_subset(name: str, characters: str) -> str | None:
    """The shipped font cut down to `characters` (a few KB instead of 300), as a data: URL the
    page carries inline (it has no other route to fetch a font from); None if it can't be made."""
    try:
        # fpdf2's dependency (here whenever the exports are); it ships no type information.
        from fontTools import subset  # type: ignore[import-untyped]

        options = subset.Options()
        options.flavor = "woff"  # zlib-compressed: needs nothing more than the standard library
        options.layout_features = ["*"]
        font = subset.load_font(io.BytesIO((_FONTS / name).read_bytes()), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    except Exception as error:  # a font problem costs the look, never the page
        log.warning("share page: font %s not subset (%s)", name, type(error).__name__)
        return None
    return "data:font/woff;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# Shown in the book's fonts besides the words: the page's own labels and the player's controls.
_LABELS = "byPageofStartreadingNextPreviousBacktothecover ReadaloudthewholebookPauseResumeStopSpeedVoiceNarrator×()"


def _face(family: str, name: str, text: str) -> str:
    url = _font_subset(name, "".join(sorted(set(text + "0123456789 .,:;!?'\"-–…‹›"))))
    return f"@font-face{{font-family:'{family}';src:url({url}) format('woff');font-display:swap}}" if url else ""


# -- the page --------------------------------------------------------------------------

_STYLE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fdf6ea;color:#2b2118;font-family:'Book Words','Source Sans Pro','Source Sans 3',system-ui,sans-serif}
main{max-width:70rem;margin:0 auto;padding:1rem 1rem 2rem}
.page{display:grid;gap:1.25rem;align-items:center}
@media (min-width:800px){.page{grid-template-columns:3fr 2fr;gap:2.5rem}}
figure{margin:0}
img{display:block;width:100%;height:auto;border-radius:.75rem;box-shadow:0 2px 12px rgba(60,40,20,.18);background:#fbe9cf}
.missing{aspect-ratio:1;border-radius:.75rem;background:#fbe9cf;display:flex;align-items:center;justify-content:center;padding:1rem;text-align:center}
h1,h2{font-family:'Book Title','Fredoka One',system-ui,sans-serif;font-weight:400;line-height:1.2;margin:0 0 .5rem}
h1{font-size:2.2rem}
h2{font-size:1.6rem}
.by{font-size:1.25rem;margin:0 0 .5rem}
.words{font-size:1.35rem;line-height:1.65}
.words p{margin:0 0 .8rem}
.age-3-5 .words{font-size:1.6rem;line-height:1.7}
.count{color:#6b5a48;margin:.5rem 0 0}
.end{font-family:'Book Title','Fredoka One',system-ui,sans-serif;font-size:2rem;text-align:center;margin:1.5rem 0 0}
nav{display:flex;gap:.75rem;margin-top:1.5rem}
nav a,nav span{flex:1;display:flex;align-items:center;justify-content:center;min-height:3.5rem;border-radius:.75rem;
font-size:1.2rem;font-weight:600;text-decoration:none;padding:.5rem 1rem}
nav a{background:#c2410c;color:#fff}
nav a:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
nav span{background:#efe3d0;color:#8a7a68}
.gone{max-width:30rem;margin:20vh auto 0;text-align:center;font-size:1.4rem;padding:1rem}
"""


# -- the player: app_ui/read_aloud.js (the Reader's too) and this page's adapter ----------

_PLAYER = ((resources.files("app_ui") / "read_aloud.js").read_text(encoding="utf-8")
           + (resources.files("app_web") / "share_read_aloud.js").read_text(encoding="utf-8"))
_PLAYER_CSS = (resources.files("app_ui") / "read_aloud.css").read_text(encoding="utf-8")
# Its address: no token holds a "." (token_urlsafe), so it never shadows a book; the version makes
# a changed player a new address, so browsers may keep it.
PLAYER_PATH = PREFIX + "/player.js"
_PLAYER_URL = f"{PLAYER_PATH}?v={hashlib.sha256(_PLAYER.encode()).hexdigest()[:12]}"


def _json_block(data: object) -> str:
    """Data for the player as a JSON block the browser never runs; "<", ">" and "&" escaped, so no
    text in it can close the block or open a tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page_data(page: PublicPage, token: str) -> dict[str, Any]:
    """What the player needs of one page (the same shape in the page's JSON block and in /pages).
    `narration` is null while the page has none: the browser's own voices read it."""
    picture = _picture_url(token, page.number, page.picture) if page.picture is not None else None
    narration = None
    if page.narration is not None:
        # The version in the address: new words are new audio at a new address.
        narration = {"src": f"{PREFIX}/{token}/narration/{page.number}?v={page.narration.version}",
                     "voice": page.narration.voice, "words": page.narration.words}
    return {"number": page.number, "heading": page.heading, "text": page.text, "picture": picture,
            "alt": _alt(page), "narration": narration}


def _alt(page: PublicPage) -> str:
    return f"The cover of {page.title}" if page.number == 0 else f"Picture for page {page.number}: {page.heading}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return "".join(f"<p>{_e(block).replace(chr(10), '<br>')}</p>" for block in blocks)


def _picture_url(token: str, number: int, version: int) -> str:
    # The version in the address: a redrawn picture is a new address, so browsers may keep the old one.
    return f"{PREFIX}/{token}/picture/{number}?v={version}"


def _base_url(request: Request) -> str:
    """The app's public address (for og:image, which must be absolute): the setting, else what the
    browser asked for (a proxy's X-Forwarded-* first)."""
    configured = engine().settings.public_url
    if configured:
        return configured.rstrip("/")
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    scheme = proto if proto in ("http", "https") else request.url.scheme
    host = request.headers.get("x-forwarded-host", "").split(",")[0].strip() or request.headers.get("host", "")
    return f"{scheme}://{host or request.url.netloc}"


def _document(lang: str, head: str, body: str, style: str) -> tuple[str, str]:
    """The HTML and its Content-Security-Policy: the one inline style allowed by its hash; scripts,
    the JSON of /pages and narration audio only from this origin."""
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode("ascii")
    csp = (f"default-src 'none'; img-src 'self'; style-src 'sha256-{digest}'; font-src data:; "
           "script-src 'self'; connect-src 'self'; media-src 'self'; "
           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    lang_attribute = f' lang="{_e(lang)}"' if lang else ""
    document = (f"<!doctype html><html{lang_attribute}><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                "<meta name=\"robots\" content=\"noindex,nofollow\"><meta name=\"referrer\" content=\"no-referrer\">"
                f"{head}<style>{style}</style></head><body>{body}</body></html>")
    return document, csp


def render_page(page: PublicPage, token: str, base: str) -> tuple[str, str]:
    """A shared book's page as HTML (every text escaped) and its CSP."""
    title = page.title
    pages = f"{page.last} page" + ("" if page.last == 1 else "s")
    description = f"A picture book by {page.author}, {pages}." if page.author else f"A picture book, {pages}."
    here = f"{base}{PREFIX}/{token}"
    head = f"<title>{_e(title if page.number == 0 else f'{page.heading} · {title}')}</title>"
    head += f'<meta name="description" content="{_e(description)}">'
    tags = {"og:title": title, "og:description": description, "og:type": "book", "og:url": here}
    if page.cover is not None:
        tags["og:image"] = base + _picture_url(token, 0, page.cover)
        tags["og:image:alt"] = f"The cover of {title}"
    head += "".join(f'<meta property="{name}" content="{_e(value)}">' for name, value in tags.items())
    twitter = {"twitter:card": "summary_large_image", "twitter:title": title, "twitter:description": description}
    if page.cover is not None:
        twitter["twitter:image"] = tags["og:image"]
    head += "".join(f'<meta name="{name}" content="{_e(value)}">' for name, value in twitter.items())

    if page.picture is not None:
        figure = (f'<figure><img src="{_e(_picture_url(token, page.number, page.picture))}" alt="{_e(_alt(page))}" '
                  'width="1024" height="1024"></figure>')
    else:
        figure = '<figure><div class="missing">This picture is not in the book any more.</div></figure>'
    player = '<div id="read-aloud"></div>'  # the player's controls, drawn by its script (none without)
    if page.number == 0:
        words = f"<h1>{_e(title)}</h1>"
        if page.author:
            words += f'<p class="by">by {_e(page.author)}</p>'
        words += player + f'<p class="count">{_e(description)}</p>'
    else:
        words = f"<h2>{_e(page.heading)}</h2>{player}<div class=\"words\">{_paragraphs(page.text)}</div>"
        words += f'<p class="count">Page {page.number} of {page.last}</p>'
        if page.number == page.last:
            words += '<p class="end">The End</p>'

    def step(number: int, label: str, rel: str) -> str:
        return f'<a href="?page={number}" rel="{rel}">{label}</a>'

    previous = step(page.number - 1, "‹ Previous", "prev") if page.number > 0 else "<span>‹ Previous</span>"
    if page.number == 0:
        following = step(1, "Start reading ›", "next") if page.last else "<span>Next ›</span>"
    elif page.number < page.last:
        following = step(page.number + 1, "Next ›", "next")
    else:
        following = step(0, "Back to the cover", "first")
    age = "".join(ch if ch.isalnum() else "-" for ch in page.age_band)
    data = {"title": title, "lang": page.language, "last": page.last, "pages": f"{PREFIX}/{token}/pages",
            "page": _page_data(page, token)}
    body = (f'<main class="age-{_e(age)}"><div class="page">{figure}<div>{words}</div></div>'
            f'<nav aria-label="Pages">{previous}{following}</nav></main>'
            f'<script type="application/json" id="read-aloud-data">{_json_block(data)}</script>')
    head += f'<script src="{_PLAYER_URL}" defer></script>'
    # The fonts hold every letter of the book: reading on, the player shows the next pages in place.
    book = page.characters or page.text
    style = (_face("Book Title", TITLE_FONT, title + page.heading + book + "The End")
             + _face("Book Words", WORDS_FONT, book + page.author + description + _LABELS)
             + _STYLE + _PLAYER_CSS)
    return _document(page.language, head, body, style)


def _message(text: str, status: int, **headers: str) -> HTMLResponse:
    """A plain page with one sentence: the same bytes for every cause it stands for."""
    document, csp = _document("en", f"<title>{_e(text)}</title>", f'<p class="gone">{_e(text)}</p>', _STYLE)
    return _html(document, csp, status, **headers)


def _html(document: str, csp: str, status: int = 200, **headers: str) -> HTMLResponse:
    response = HTMLResponse(document, status_code=status)
    response.headers.update(_HEADERS)
    response.headers["Content-Security-Policy"] = csp
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.update(headers)
    return response


async def _answer(work: Callable[[], Any], respond: Callable[[Any], Response]) -> Response:
    """Run the service call off the event loop; every failure reads as a plain page, never a traceback."""
    try:
        result = await run_in_threadpool(work)
    except LinkGone:
        return _message(GONE, 404)
    except BeingChanged as changing:
        return _message(str(changing), 503, **{"Retry-After": "30"})
    except Busy:
        return _message("Storymaker is busy just now; try again in a moment.", 503, **{"Retry-After": "10"})
    except StorymakerError as error:
        log.warning("share page: %s", type(error).__name__)  # never the token
        return _message("This book cannot be shown just now; try again later.", 503)
    except Exception as error:  # a bug must not show a traceback (or the token) to a stranger
        log.error("share page failed: %s", type(error).__name__)
        return _message("Something went wrong; try again later.", 500)
    return respond(result)


async def read(request: Request) -> Response:
    token = request.path_params["token"]
    number = request.query_params.get("page", "0")
    return await _answer(lambda: (sharing.page(engine(), token, number), _base_url(request)),
                         lambda found: _html(*render_page(found[0], token, found[1])))


async def pages(request: Request) -> Response:
    """Every page as JSON, for "Read the whole book": the player turns the pages in place (a
    navigation would cost the tap that lets the browser speak). Dead tokens read as on the page."""
    token = request.path_params["token"]

    def respond(found: list[PublicPage]) -> Response:
        first = found[0]
        data = {"title": first.title, "lang": first.language, "last": first.last,
                "pages": [_page_data(page, token) for page in found]}
        response = JSONResponse(data)
        response.headers.update(_HEADERS)
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        return response

    return await _answer(lambda: sharing.pages(engine(), token), respond)


def _stored(found: sharing.ScreenPicture | sharing.SharedAudio) -> Response:
    """A picture's or a narration's bytes: kept by the browser for an hour, its version the ETag."""
    response = Response(found.data, media_type=found.mime)
    response.headers.update(_HEADERS)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["ETag"] = f'"{found.version}"'
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


async def narration(request: Request) -> Response:
    """A page's narration audio, to a live link only (dead tokens read as on the page)."""
    token, number = request.path_params["token"], request.path_params["number"]

    return await _answer(lambda: sharing.narration_audio(engine(), token, number), _stored)


async def player(request: Request) -> Response:
    response = Response(_PLAYER, media_type="text/javascript; charset=utf-8")
    response.headers.update(_HEADERS)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


async def picture(request: Request) -> Response:
    token, number = request.path_params["token"], request.path_params["number"]

    return await _answer(lambda: sharing.picture(engine(), token, number), _stored)


routes = [
    Route(PLAYER_PATH, player, methods=["GET"]),  # before the token's route, which would match it too
    Route(PREFIX + "/{token}", read, methods=["GET"]),
    Route(PREFIX + "/{token}/pages", pages, methods=["GET"]),
    Route(PREFIX + "/{token}/narration/{number}", narration, methods=["GET"]),
    Route(PREFIX + "/{token}/picture/{number}", picture, methods=["GET"]),
]
