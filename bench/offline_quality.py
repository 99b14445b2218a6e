"""The offline books as a reader sees them: a fixed panel of 12 books, read back and drawn small.

    python bench/offline_quality.py [FOLDER] [--size 256]

Writes FOLDER/report.txt (per book: its setting, plot, time and weather, each page's reading
level against its age band, and every slip found: a look pasted whole, a character or creature
acting before the reader has met it, a pronoun or body part that does not fit) and one contact
sheet per book, FOLDER/<n>-<title>.png (each page's picture as the offline painter draws it, with
its words under it). FOLDER defaults to a new temporary folder. Prints the summary.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storymaker.models.base import CharacterLook, ImageRequest, StoryBrief  # noqa: E402
from storymaker.painter import paint  # noqa: E402
from storymaker.storyteller import write_book  # noqa: E402
from storymaker.storyteller.book import plan_book  # noqa: E402
from storymaker.storyteller.cast import read_actor  # noqa: E402
from storymaker.storyteller.review import (BAND_LEVELS, pronoun_slips, reading_level, unintroduced,  # noqa: E402
                                           verbatim_looks)

MIRA = CharacterLook("Mira", "a small girl with a red pointed hat, round face and a blue coat")
OTTO = CharacterLook("Otto", "a turtle with a green scarf")
PIP = CharacterLook("Pip", "a tiny grey cat with white paws")
EMBER = CharacterLook("Ember", "a friendly green dragon with golden wings", pronoun="he")
SAM = CharacterLook("Sam", "a boy with curly hair and yellow boots")
NELL = CharacterLook("Nell", "a penguin in a red knitted hat", pronoun="she")
FINN = CharacterLook("Finn", "a small orange fish with stripy fins", pronoun="name")

# (title, premise, cast, age band, pages, art style): titles that name a place, a plot, nothing at all.
PANEL = (
    ("The Timing Book", "", (MIRA, OTTO), "3-5", 8, "watercolor"),
    ("Lost in the Woods", "Mira and Pip find their way home before dark", (MIRA, PIP), "6-8", 10, "crayon"),
    ("The Dragon Who Was Afraid of the Dark", "at night, Ember learns to be brave", (EMBER, MIRA), "6-8", 10,
     "watercolor"),
    ("A Trip to the Ocean", "a sunny day of sailing", (SAM, OTTO), "3-5", 6, "paper-cutout"),
    ("The Rocket Ride", "", (SAM, PIP), "9-12", 10, "watercolor"),
    ("Fun in the Farmyard", "a contest at the fair, and learning to share", (MIRA, SAM, PIP), "3-5", 8, "crayon"),
    ("The New Classroom", "a first day at school on a day when it was raining", (SAM, MIRA), "6-8", 8, "watercolor"),
    ("Bedtime for Otto", "a lost baby owl who needs help to get home", (OTTO, PIP), "3-5", 6,
     "storybook-ink"),
    ("The Snowy Race", "a race to the top of the hill in the snow: practise and never give up", (NELL, SAM), "9-12",
     12, "watercolor"),
    ("Finn's Big Day", "Finn helps a baby turtle who is stuck", (FINN, OTTO), "6-8", 8, "crayon"),
    ("The Broken Lighthouse Lamp", "a storm is coming", (MIRA, PIP), "9-12", 10, "watercolor"),
    ("Grandma's Birthday Surprise", "in the evening, a lesson in kindness", (MIRA, EMBER, OTTO), "3-5", 10, "claymation"),
)

FONT = Path(__file__).resolve().parents[1] / "storymaker" / "exports" / "fonts" / "SourceSansPro-Regular.ttf"


def contact_sheet(title: str, pages: list[dict], cast: tuple[CharacterLook, ...], style: str, size: int) -> Image.Image:
    """The pages' pictures in a grid of four, each with its words under it."""
    font = ImageFont.truetype(str(FONT), max(10, size // 20))
    head = ImageFont.truetype(str(FONT), max(14, size // 12))
    line_h = font.size + 3
    wrap = max(20, int(size / (font.size * 0.48)))
    texts = [textwrap.wrap(f"{p['scene']}. {p['text']}", wrap) for p in pages]
    text_h = line_h * max(len(t) for t in texts) + 8
    columns = min(4, len(pages))
    rows = -(-len(pages) // columns)
    pad = 10
    sheet = Image.new("RGB", (columns * (size + pad) + pad, head.size + 2 * pad + rows * (size + text_h + pad)), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((pad, pad), title, fill="black", font=head)
    looks = {c.name: c for c in cast}
    for i, (page, lines) in enumerate(zip(pages, texts, strict=True)):
        x = pad + (i % columns) * (size + pad)
        y = head.size + 2 * pad + (i // columns) * (size + text_h + pad)
        on_page = tuple(looks[n] for n in page["characters"] if n in looks)
        picture = paint(ImageRequest("", page["illustration"], on_page, style, (size, size), f"quality/{title}/{i + 1}"))
        sheet.paste(picture.convert("RGB"), (x, y))
        for j, line in enumerate(lines):
            draw.text((x, y + size + 4 + j * line_h), line, fill=(40, 40, 40), font=font)
    return sheet


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", help="where to write the report and the contact sheets")
    ap.add_argument("--size", type=int, default=256, help="each picture's side in pixels")
    args = ap.parse_args()
    folder = Path(args.folder) if args.folder else Path(tempfile.mkdtemp(prefix="offline-quality-"))
    folder.mkdir(parents=True, exist_ok=True)

    report: list[str] = []
    settings, plots, slips_total, over_level, page_total, write_s = set(), set(), 0, 0, 0, []
    for n, (title, premise, cast, band, count, style) in enumerate(PANEL, 1):
        brief = StoryBrief(title, cast, premise=premise, age_band=band, style=style, scene_count=count)
        began = time.perf_counter()
        pages = write_book(brief)
        write_s.append(time.perf_counter() - began)
        plan, _ = plan_book(brief)
        world = plan.world
        settings.add(world.setting)
        plots.add(plan.family)
        actors = [read_actor(c, i) for i, c in enumerate(cast)]
        slips = (verbatim_looks(pages, {c.name: c.look for c in cast}) + unintroduced(pages, actors)
                 + pronoun_slips(pages, actors))
        slips_total += len(slips)
        report.append(f"{n}. {title} ({band}, {count} pages, {style})")
        report.append(f"   premise: {premise or '(none)'}")
        report.append(f"   setting: {world.setting} ({world.pic_word}), plot: {plan.family}, lesson: {world.lesson}, "
                      f"time: {world.time or 'the story’s own'}, weather: {world.weather or 'the story’s own'}")
        report.append("   cast: " + "; ".join(f"{a.name}: {a.kind or '?'}, {a.pronoun}" for a in actors))
        most_words, most_syllables = BAND_LEVELS[band]
        for page in pages:
            level = reading_level(page["text"])
            hard = level.words_per_sentence > most_words or level.syllables_per_word > most_syllables
            over_level += hard
            page_total += 1
            report.append(f"   p{page['scene']:>2} {level.words_per_sentence:5.1f} w/s {level.syllables_per_word:4.2f} syl/w"
                          f"{'  ABOVE ' + band if hard else ''}  {page['title']}")
            report.append(textwrap.indent(textwrap.fill(page["text"], 100), "        "))
            report.append(textwrap.indent(textwrap.fill("picture: " + page["illustration"], 100), "        "))
        report.extend(f"   SLIP p{s.page}: {s.what}" for s in slips)
        if not slips:
            report.append("   no slips")
        sheet = contact_sheet(title, pages, cast, style, args.size)
        sheet.save(folder / f"{n:02d}-{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}.png")
        report.append("")

    write_s.sort()
    summary = [
        f"{len(PANEL)} books, {page_total} pages: {len(settings)} settings ({', '.join(sorted(settings))}), "
        f"{len(plots)} plots ({', '.join(sorted(plots))})",
        f"slips (looks pasted whole, acting before being introduced, pronouns, body parts): {slips_total}",
        f"pages above their band's reading level: {over_level} of {page_total}",
        f"writing a book: median {write_s[len(write_s) // 2] * 1000:.1f} ms (the words only)",
        f"report and contact sheets: {folder}",
    ]
    (folder / "report.txt").write_text("\n".join(summary + [""] + report) + "\n", encoding="utf-8")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
