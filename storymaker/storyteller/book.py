"""Writing one book: plan the beats, give each page its cast, time and place,
then let the phrase banks and the composer write it.

Page keys (what templates may use):
  characters  A hero, B friend (or a helper animal in a one-character book),
              L/P who leads/partners this page, T who saves the day, F who is afraid,
              C the third character; each X also has X_s (possessive), X_he, X_him,
              X_his, X_self, X_a, X_desc, X_look, X_kind, X_trait, X_habit, X_flavor,
              X_likes, X_feat, X_feat_act, X_feat_sound, X_sound, X_can, X_act
  group       all, others, rest
  world       place, at, spot, junk, junk2, hidden, borrower, helper, helper_the, helper_sound,
              beacon, traveller, traveller_the, safe, creature, creature_the, creature_home,
              contest, thing, things, dest, wonder, fix, fix_worked, fix_broke, obj, obj_a,
              obj_his, obj_noun, obj_adj, newcomer, newcomer_the, goal, motto
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from typing import Iterable

from ..models.base import StoryBrief
from ..styles import WORDS_PER_PAGE
from . import en_story as story
from . import en_world as lex
from .cast import BODY, HANDS, Actor, fold, read_actor
from .compose import Composer, Opt, fill, norm, optional, whole_sentences
from .world import World, choose_world

LANGUAGES: tuple[str, ...] = ("English",)
_LANGUAGE_NAMES = {"english": "en", "en": "en", "eng": "en", "en-gb": "en", "en-us": "en", "inglés": "en",
                   "ingles": "en"}


def language_code(name: str) -> str | None:
    """"English", "english", "en" -> "en"; None for a language we can't write."""
    return _LANGUAGE_NAMES.get((name or "").strip().lower())


# ---------------------------------------------------------------- the plan

_EXTRAS = ["attempt", "ending", "meet", "attempt", "plan", "low", "attempt", "celebrate", "helper", "play",
           "attempt", "omen"]
_ORDER = ["open", "meet", "play", "omen", "problem", "plan", "attempts", "low", "turn", "resolve", "celebrate", "ending"]


def plan_beats(n: int, cast_size: int) -> list[str]:
    extras = _EXTRAS[: max(0, n - 4)]
    if cast_size == 1:
        extras = ["play2" if e == "meet" else e for e in extras]
    attempts = extras.count("attempt")
    beats: list[str] = []
    for kind in _ORDER:
        if kind in ("open", "problem", "turn", "resolve"):
            beats.append(kind)
        elif kind == "attempts":
            tries = ["attempt"] * attempts
            if "helper" in extras:
                tries.insert((attempts + 1) // 2, "helper")
            beats.extend(tries)
        elif kind == "play":
            beats.extend(k for k in extras if k in ("play", "play2"))
        elif kind in extras:
            beats.append(kind)
    return beats


_MOOD = {"open": "happy", "meet": "happy", "play": "excited", "play2": "happy", "omen": "calm", "plan": "brave",
         "helper": "calm", "low": "sad", "turn": "excited", "resolve": "happy", "celebrate": "excited",
         "ending": "peaceful"}
_PROBLEM_MOOD = {"storm": "scared", "fear": "scared", "lost": "sad", "friend": "sad", "contest": "scared",
                 "journey": "excited", "broken": "sad", "newfriend": "sad", "surprise": "excited"}
_ATTEMPT_MOOD = {"storm": "brave", "fear": "brave", "contest": "excited", "journey": "brave", "surprise": "excited",
                 "newfriend": "calm", "lost": "calm", "friend": "calm", "broken": "calm"}
_DAY = ["morning", "morning", "day", "day", "afternoon", "afternoon", "afternoon", "sunset"]


def _time_weather(family: str, fear: str, kind: str, frac: float, setting: str, has_celebrate: bool) -> tuple[str, str]:
    snow = setting == "snow"
    fair = "snow" if snow else "sunny"
    if family == "storm":
        if kind in ("open", "meet", "play", "play2"):
            return ("morning" if frac < 0.15 else "afternoon"), fair
        if kind == "omen":
            return "afternoon", "wind"
        if kind in ("problem", "plan"):
            return "evening", "storm"
        if kind in ("attempt", "helper", "low", "turn"):
            return "night", "storm"
        if kind == "resolve":
            return "night", "rain"
        if kind == "celebrate":
            return "morning", "rainbow"
        return ("day" if has_celebrate else "dawn"), "rainbow"
    if family == "fear" and fear == "dark" or family == "journey":
        dark = family == "fear"
        if kind in ("open", "meet", "play", "play2"):
            return ("dawn" if family == "journey" and frac < 0.1 else "morning"), fair
        if kind == "omen":
            return ("sunset" if dark else "morning"), fair
        if kind in ("problem", "plan"):
            return ("dusk" if dark else "morning"), ("" if dark else fair)
        if kind in ("attempt", "helper", "low", "turn"):
            return ("night" if dark else _DAY[min(len(_DAY) - 1, 2 + int(frac * 4))]), ("" if dark else fair)
        if kind in ("resolve", "celebrate"):
            return ("night" if dark else "sunset"), ""
        return "night", ""
    if kind in ("resolve", "celebrate", "ending"):
        t = {"resolve": "afternoon", "celebrate": "sunset", "ending": "evening"}[kind]
        if family in ("lost", "surprise") and kind == "ending":
            t = "night"
        if family == "surprise" and kind in ("resolve", "celebrate"):
            t = "evening"
        return t, ("" if t in ("evening", "night", "sunset") else fair)
    t = _DAY[min(len(_DAY) - 1, int(frac * (len(_DAY) - 1) * 1.1))]
    return t, fair


# ---------------------------------------------------------------- people as words

def _article(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def _some(noun: str, plural: bool) -> str:
    """"red boots", "a red hat": a thing someone has, with its article."""
    return noun if plural else _article(noun)


def pronouns(actor: Actor) -> tuple[str, str, str, str | None]:
    """(he, him, his, himself) for the actor's pronoun; "name" repeats the name (and has no "himself":
    the sentences that need one are left out)."""
    if actor.pronoun == "she":
        return "she", "her", "her", "herself"
    if actor.pronoun == "he":
        return "he", "him", "his", "himself"
    if actor.pronoun == "name":
        return actor.name, actor.name, actor.name + "'s", None
    return "they", "them", "their", "themselves"


def _plain(text: str) -> bool:
    return bool(text) and not re.search(r"[{}<>\[\]|#*_`~\\]", text)


def actor_keys(actor: Actor, rng: random.Random) -> dict:
    name = actor.name
    kind = lex.KIND_NOUN.get(actor.kind) if actor.kind else None
    adj = lex.SIZES.get(actor.size) if actor.size else None
    colour = lex.COLOURS.get(actor.colour) if actor.colour else None
    desc = f"the {adj or colour or 'little'} {kind}" if kind else None
    a_phrase = _article(" ".join(x for x in (adj, colour, kind) if x)) if kind else None
    if actor.trait and kind and not adj and not colour:
        a_phrase = _article(f"{lex.TRAITS[actor.trait][0]} {kind}")
    he, him, his, self_ = pronouns(actor)
    hands, hand, arms = BODY.get(actor.kind or "", HANDS)
    k: dict[str, str | bool | None] = {"X": name, "X_s": name + "'s", "X_he": he, "X_him": him, "X_his": his,
                                       "X_self": self_, "X_desc": desc, "X_a": a_phrase, "X_kind": kind, "X_body": None,
                                       "X_hands": hands, "X_hand": hand, "X_arms": arms}

    feats = []
    for colour_key, item in actor.items:
        noun, plural, acts, sound = lex.ITEMS[item]
        if item in ("paws", "nose", "hair") and not colour_key:
            continue
        c = lex.COLOURS.get(colour_key) if colour_key else None
        feats.append(((f"{c} {noun}" if c else noun), acts, sound, plural))
    if not feats and actor.kind in lex.KIND_FEATS:
        for item in lex.KIND_FEATS[actor.kind]:
            noun, plural, acts, sound = lex.ITEMS[item]
            feats.append((noun, acts, sound, plural))
        k["X_body"] = True
    # The look in the story's own words, one detail at most: never the look as typed.
    woven = f"{a_phrase} with {_some(feats[0][0], feats[0][3])}" if a_phrase and feats else ""
    if woven and not k.get("X_body") and fold(woven) not in fold(actor.look):
        k["X_look"] = woven
    else:
        k["X_look"] = a_phrase
    if feats:
        f = feats[rng.randrange(len(feats))]
        k["X_feat"], k["X_feat_act"], k["X_feat_sound"] = f[0], rng.choice(f[1]), f[2]
        k["X_feat_a"] = _some(f[0], f[3])
    trait = lex.TRAITS.get(actor.trait) if actor.trait else None
    if trait:
        k["X_trait"], k["X_habit"], k["X_flavor"] = trait
        if actor.trait in ("nervous", "shy", "careful"):
            k["X_nervous"] = "a little nervous"
    else:
        k["X_flavor"] = "lent a hand"
    if actor.likes and _plain(actor.likes):
        k["X_likes"] = actor.likes
    move, sound = lex.KIND_MOVE.get(actor.kind, lex.HUMAN_MOVE) if actor.kind else lex.HUMAN_MOVE
    k["X_sound"] = sound
    can, act = lex.ABILITY.get(actor.ability, lex.ABILITY["notice"])
    k["X_can"], k["X_act"] = can, act
    return k


def _npc_keys(the: str) -> dict:
    return {"X": the, "X_s": the + "'s", "X_he": the, "X_him": the, "X_his": "its", "X_self": "itself",
            "X_desc": the, "X_a": the, "X_flavor": "helped as best it could", "X_can": "help",
            "X_act": "looked around carefully"}


_TEMPLATED = {"X_habit", "X_flavor", "X_feat_act", "X_act"}  # our phrases; user text is never a template


def _role(prefix: str, keys: dict) -> dict:
    out = {}
    for key, value in keys.items():
        if value is None:
            continue
        if key in _TEMPLATED and isinstance(value, str) and "{X" in value:
            value = fill(value, keys, prose=False) or None
            if value is None:
                continue
        out[prefix + key[1:]] = value
    return out


def join_names(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def _title_case(text: str) -> str:
    small = {"a", "an", "the", "of", "and", "in", "on", "at", "to", "by"}
    words = text.split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


# ---------------------------------------------------------------- pictures

PLACE_PIC = {
    "forest": "in the forest", "beach": "on the beach", "sea": "out on the sea", "lighthouse": "at the lighthouse",
    "mountain": "on the mountain", "meadow": "in a meadow", "garden": "in the garden", "park": "in the park",
    "town": "in the town", "village": "in the village", "street": "on a town street", "house": "inside the house",
    "bedroom": "in a cosy bedroom", "kitchen": "in the kitchen", "castle": "at the castle", "space": "in space",
    "moon": "on the moon", "river": "by the river", "lake": "by the lake", "pond": "by the pond",
    "snow": "in the snow", "desert": "in the desert", "underwater": "underwater", "cave": "in a cave",
    "school": "at school", "farm": "on the farm", "sky": "up in the sky",
}
_WEATHER_PIC = {"sunny": "sunny", "rain": "rainy", "storm": "stormy", "wind": "windy", "fog": "foggy",
                "snow": "snowy", "rainbow": "rainbow-bright"}
_WEATHER_TAIL = {"storm": "storm clouds, wind and rain", "rain": "soft rain", "rainbow": "a rainbow in the sky",
                 "fog": "thick fog", "wind": "wind blowing", "snow": "snow falling"}


_TIME_PIC = {"dawn": "at dawn", "morning": "in the morning", "day": "during the day", "afternoon": "in the afternoon",
             "sunset": "at sunset", "evening": "in the evening", "dusk": "at dusk", "night": "at night"}
_WEATHER_PIC = {"sunny": "in the sunshine", "rain": "in the rain", "storm": "in a storm", "wind": "in the wind",
                "fog": "in the fog", "snow": "in the snow", "rainbow": "under a rainbow"}
_WEATHER_TAIL = {"storm": "storm clouds, wind and rain", "rain": "soft rain falling", "rainbow": "a rainbow in the sky",
                 "fog": "thick fog", "wind": "wind blowing", "snow": "snow falling"}


_SUNLESS = {"house", "bedroom", "kitchen", "space", "moon", "underwater", "cave", "school"}


def _picture(place_word: str, setting_pic: str | None, time: str, weather: str, action: str,
             cast: list[tuple[str, str]], mood: str) -> str:
    where = PLACE_PIC.get(place_word, f"in the {place_word}")
    # Sunshine only where and when the sun shines.
    sun = weather != "sunny" or (time in ("dawn", "morning", "day", "afternoon") and place_word not in _SUNLESS)
    scene = " ".join(x for x in (where, _TIME_PIC.get(time, time), _WEATHER_PIC.get(weather) if sun else None) if x)
    scene = scene[:1].upper() + scene[1:]
    if setting_pic:
        scene += f": {setting_pic}"
    if weather in _WEATHER_TAIL:
        scene += f", {_WEATHER_TAIL[weather]}"
    people = "; ".join(f"{name}, {look}" if look else name for name, look in cast)
    text = f"{scene}. {action[:1].upper() + action[1:]}."
    if people:
        text += f" Characters: {people}."
    return text + f" Mood: {mood}."  # "no writing in the picture" is the prompt template's part


# ---------------------------------------------------------------- writing

def _seed(brief: StoryBrief) -> random.Random:
    parts = [brief.title, brief.premise, brief.age_band, brief.style, brief.language, str(brief.scene_count)]
    for c in brief.characters:
        parts += [c.name, c.look, c.personality]
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def _choose(rng: random.Random, items: Iterable, k: int) -> list:
    items = list(items)
    rng.shuffle(items)
    return items[:k]


_TURN_PREFERENCE = {
    "storm": ("small", "dark", "glow", "notice", "clever", "climb", "fly", "nose"),
    "broken": ("small", "clever", "notice", "nose", "dark", "climb"),
    "lost": ("nose", "fly", "small", "notice", "climb", "tall", "dark", "ears"),
    "friend": ("ears", "nose", "fly", "tall", "climb", "notice", "dark"),
    "journey": ("fly", "tall", "climb", "notice", "nose", "ears"),
}


def _pick_turn(actors: list[Actor], family: str, lesson: str | None) -> int:
    if len(actors) == 1:
        return 0
    if family in ("newfriend",) or lesson == "listening":
        for a in actors:
            if set(a.traits) & {"shy", "quiet", "gentle", "patient", "kind"}:
                return a.index
    for ability in _TURN_PREFERENCE.get(family, ()):
        for a in actors:
            if a.ability == ability:
                return a.index
    for a in actors:
        if set(a.traits) & {"clever", "creative", "curious", "brave"}:
            return a.index
    return 1


@dataclass(frozen=True)
class _Plan:
    """What every page of one book shares: its world, its cast and their keys, its beats."""

    world: World
    family: str  # the world's family, with a fear of someone new read as a new-friend story
    beats_of: dict  # the family's (or the fear's) beats, titles and endings
    setting: dict
    actors: list[Actor]  # the hero first
    actor_keys: list[dict]  # each actor's page keys, in the same order
    companion: dict  # the helper's keys: the friend of a one-character book
    fear_index: int  # who is afraid, in a fear story
    keys: dict  # the page keys every page starts from
    specials: dict  # what `@name` parts expand to
    lesson: dict | None
    beats: list[str]
    attempts: list  # the attempt pool's items, one per attempt beat (None: a generic try)
    spots: list
    junk: list
    plays: list
    form: str  # the phrase bank's form: "s" (3-5) or "m" (6-8, 9-12)
    rich: bool  # 9-12: the extra "x" parts too

    @property
    def include_all(self) -> bool:
        """No meeting page: the opening page introduces everybody."""
        return "meet" not in self.beats and len(self.actors) > 1


def write_book(brief: StoryBrief) -> list[dict]:
    plan, rng = plan_book(brief)
    composer = Composer(rng, WORDS_PER_PAGE[_band(brief)])
    used_titles: set[str] = set()
    pages = [_write_page(plan, composer, i, kind, used_titles) for i, kind in enumerate(plan.beats)]
    return _refer_back(introduce(pages, plan.keys), brief.earlier, plan.keys["all"])


# The world's own creatures and people: (its "a ..." key, its "the ..." key, how the reader meets it).
_NPCS = (("newcomer", "newcomer_the", "There was also {}."), ("borrower", "borrower_the", "{} had borrowed it."),
         ("creature", "creature_the", "There was also {}."), ("helper", "helper_the", "{} came by."),
         ("traveller", "traveller_the", "There was also {}."))


def introduce(pages: list[dict], keys: dict) -> list[dict]:
    """Nobody the world brings in ("the little crab") acts before the reader has met them: the first
    page that names one with "the" meets them first, in a sentence of its own."""
    met: set[str] = set()
    out = []
    for page in pages:
        parts = whole_sentences(page["text"])
        before = len(parts)
        for a_key, the_key, line in _NPCS:
            a, the = keys.get(a_key), keys.get(the_key)
            if not a or not the or a_key in met:
                continue
            a_rx, the_rx = (re.compile(r"(?<!\w)" + re.escape(x) + r"(?!\w)", re.IGNORECASE) for x in (a, the))
            for i, sentence in enumerate(parts):
                if a_rx.search(sentence):
                    met.add(a_key)
                    break
                if the_rx.search(sentence):
                    met.add(a_key)
                    parts.insert(i, line.format(a[:1].upper() + a[1:]))
                    break
        out.append({**page, "text": " ".join(parts)} if len(parts) != before else page)
    return out


def _refer_back(pages: list[dict], earlier: tuple[str, ...], cast: str) -> list[dict]:
    """A sequel's opening page remembers the series' latest earlier book, once. The title is the
    reader's own words: it is set in the sentence as it is, never read as a phrase template."""
    if not earlier or not pages or not earlier[-1].strip():
        return pages
    title = " ".join(earlier[-1].split())
    opening = pages[0]
    remembered = f"Ever since the adventure of “{title}”, {cast} had hoped for another one."
    return [{**opening, "text": f"{opening['text']} {remembered}"}, *pages[1:]]


def plan_book(brief: StoryBrief) -> tuple[_Plan, random.Random]:
    """The brief's plan, and its random source as the pages' composer goes on from it."""
    rng = _seed(brief)
    actors = [read_actor(c, i) for i, c in enumerate(brief.characters) if (c.name or "").strip()]
    if not actors:
        raise ValueError("a story needs at least one named character")
    actors = _hero_first(actors, brief.title)
    world = choose_world(brief.title, brief.premise, actors, rng)
    return _plan(brief, world, actors, rng), rng


def _band(brief: StoryBrief) -> str:
    return brief.age_band if brief.age_band in WORDS_PER_PAGE else "6-8"


def _hero_first(actors: list[Actor], title: str) -> list[Actor]:
    """The cast with its hero first: the character the title is about, else the first one."""
    title_words = set(re.findall(r"\w+", fold(title)))
    hero = next((a for a in actors if a.kind and (a.kind in title_words or
                 lex.KIND_NOUN.get(a.kind, "").split()[-1] in title_words)), None)
    hero = next((a for a in actors if fold(a.name) and set(re.findall(r"\w+", fold(a.name))) <= title_words), hero)
    hero = hero or actors[0]
    order = [hero] + [a for a in actors if a is not hero]
    return [Actor(**{**a.__dict__, "index": i}) for i, a in enumerate(order)]


def _plan(brief: StoryBrief, world: World, actors: list[Actor], rng: random.Random) -> _Plan:
    """Everything the pages share; draws from `rng` in a fixed order (the cast's keys, then the attempts
    and the setting's spots, junk and play), so the same brief always gives the same book."""
    family = "newfriend" if world.family == "fear" and world.fear == "new" else world.family
    beats_of = (story.FEARS[world.fear if world.fear in story.FEARS else "dark"] if family == "fear"
                else story.FAMILIES[family])
    setting = lex.SETTINGS[world.setting]
    turn_index, fear_index = _turn_and_fear(actors, family, world.lesson)
    keys = _place_keys(world, setting)
    keys_of = [actor_keys(a, rng) for a in actors]
    companion = _npc_keys(setting["helper"][1])
    keys.update(_cast_keys(keys, world, actors, keys_of, companion, turn_index, fear_index))
    keys["goal"] = fill(beats_of["goal"], keys, prose=False)
    lesson = story.LESSONS.get(world.lesson or "", None)
    beats = plan_beats(max(1, int(brief.scene_count)), len(actors))
    attempts = _pick_attempts(rng, _attempt_pool(family, world, beats_of), beats.count("attempt"))
    spots = _choose(rng, setting["spots"], len(setting["spots"]))
    junk = _choose(rng, setting["junk"], len(setting["junk"]))
    plays = _choose(rng, setting["play"], len(setting["play"]))
    form = {"3-5": "s", "6-8": "m", "9-12": "m"}[_band(brief)]
    return _Plan(
        world=world, family=family, beats_of=beats_of, setting=setting, actors=actors, actor_keys=keys_of,
        companion=companion, fear_index=fear_index, keys=keys, specials=_specials(world, setting, beats_of, lesson),
        lesson=lesson, beats=beats, attempts=attempts, spots=spots, junk=junk, plays=plays, form=form, rich=_band(brief) == "9-12",
    )


def _turn_and_fear(actors: list[Actor], family: str, lesson: str | None) -> tuple[int, int]:
    """Who saves the day, and who is afraid (never the same one in a fear story, when there are two)."""
    turn_index = _pick_turn(actors, family, lesson)
    fear_index = next((a.index for a in actors if set(a.traits) & {"nervous", "shy"}), 0)
    if family == "fear" and turn_index == fear_index:
        turn_index = (fear_index + 1) % len(actors) if len(actors) > 1 else fear_index
    return turn_index, fear_index


def _place_keys(world: World, setting: dict) -> dict:
    """The world's page keys: the place, its helper, its nouns and phrases, the story's object and motto."""
    place_word = world.pic_word if world.pic_word in lex.PLACE_WORDS else None
    keys: dict = {}
    pw = place_word or world.setting
    keys["place_word"] = pw
    keys["Place_word"] = pw[:1].upper() + pw[1:]
    keys["room_pic"] = lex.ROOM_PIC.get(pw, "inside")
    for key in ("name", "at", "title"):
        keys[{"name": "place", "at": "at", "title": "Place_title"}[key]] = fill(setting[key], keys, prose=False)
    helper = setting["helper"]
    keys.update(helper=helper[0], helper_the=helper[1], helper_sound=helper[2], helper_the_s=helper[1] + "'s",
                Helper_title=_title_case(helper[1]), helper_pic=helper[0])
    keys.update(beacon=setting["beacon"], traveller=setting["traveller"][0], traveller_the=setting["traveller"][1],
                safe=setting["safe"], creature=setting["creature"][0], creature_the=setting["creature"][1],
                creature_home=setting["creature"][2], contest=fill(setting["contest"][0], keys, prose=False),
                thing=setting["contest"][1], things=setting["contest"][2], dest=fill(setting["dest"], keys, prose=False),
                wonder=setting["wonder"], fix=setting["fix"][0], fix_worked=setting["fix"][2],
                fix_broke=setting["fix"][3], hidden=setting["hidden"], borrower=setting["borrower"],
                borrower_pic=setting["borrower"], borrower_the=re.sub(r"^an? ", "the ", setting["borrower"]),
                newcomer=setting["newcomer"][0], newcomer_the=setting["newcomer"][1])
    noun = lex.OBJECTS[world.obj]
    adj = lex.OBJECT_ADJ.get(world.obj)
    keys.update(obj=f"the {noun}", obj_noun=noun, Obj_noun=_title_case(noun), obj_adj=adj or "special",
                obj_a=_article(f"{adj} {noun}" if adj else noun))
    keys["motto"] = world.motto
    keys["obj_pic"] = keys["obj_a"]
    return keys


def _cast_keys(place_keys: dict, world: World, actors: list[Actor], keys_of: list[dict], companion: dict,
               turn_index: int, fear_index: int) -> dict:
    """The cast's page keys: the group, the hero A, the friend B (or the helper), C, T who saves the day, F who is afraid."""
    names = [a.name for a in actors]
    keys: dict = {}
    keys["all"] = join_names(names)
    keys["others"] = join_names(names[1:]) or None
    keys["rest"] = join_names(names[3:]) or None
    keys.update(_role("A", keys_of[0]))
    adj, noun = lex.OBJECT_ADJ.get(world.obj), place_keys["obj_noun"]
    keys["obj_his"] = f"{keys['A_his']} {adj + ' ' if adj else ''}{noun}"
    keys.update(_role("B", keys_of[1] if len(keys_of) > 1 else companion))
    if len(keys_of) > 2:
        keys.update(_role("C", keys_of[2]))
    keys.update(_role("T", keys_of[turn_index]))
    keys.update(_role("F", keys_of[fear_index]))
    return keys


def _specials(world: World, setting: dict, beats_of: dict, lesson: dict | None) -> dict:
    """What a part `@name` expands to: the setting's and the family's lines, and the lesson's echo."""
    echo = list(lesson["echo"]) if lesson else []
    echo_s = list(lesson["echo_s"]) if lesson else []
    if world.lesson_word:
        word = world.lesson_word
        hits = [e for e in echo if word in fold(e)]
        echo = hits or echo
        hits_s = [e for e in echo_s if word in fold(e)]
        echo_s = hits_s or echo_s
    if world.motto:
        echo, echo_s = story.MOTTO, story.MOTTO_S
    if not echo:
        echo, echo_s = story.LESSONS["friendship"]["echo"], story.LESSONS["friendship"]["echo_s"]
    return {
        "intro": setting["intro"], "intro_s": setting["intro_s"], "purpose": setting["purpose"],
        "home": setting["home"], "sense": setting["sense"], "celebrate": beats_of["celebrate"],
        "celebrate_s": beats_of["celebrate_s"], "ending": beats_of["ending"], "ending_s": beats_of["ending_s"],
        "helper_clue": beats_of["helper_clue"], "helper_clue_s": beats_of["helper_clue_s"],
        "low_line": beats_of["low_line"], "echo": echo, "echo_s": echo_s,
    }


def _attempt_pool(family: str, world: World, beats_of: dict) -> list:
    if family == "journey":
        return {"space": story.JOURNEY_SPACE, "underwater": story.JOURNEY_SEA, "beach": story.JOURNEY_SEA,
                "lighthouse": story.JOURNEY_SEA}.get(world.setting, beats_of["attempts"])
    return beats_of["attempts"]


def _pick_attempts(rng: random.Random, pool: list, count: int) -> list:
    """One item of the pool per attempt beat; more attempts than the pool holds get None (a generic try)."""
    # The clue-giving attempts read best last, so keep the pool's order among the chosen few.
    chosen = sorted(_choose(rng, range(len(pool)), count), key=lambda i: i)
    if count > len(pool):
        chosen = list(range(len(pool))) + [None] * (count - len(pool))
    return [pool[i] if i is not None else None for i in chosen]


# ---------------------------------------------------------------- one page


def _write_page(plan: _Plan, composer: Composer, i: int, kind: str, used_titles: set[str]) -> dict:
    frac = i / max(1, len(plan.beats) - 1)
    time, weather = _time_weather(plan.family, plan.world.fear, kind, frac, plan.world.setting,
                                  "celebrate" in plan.beats)
    # The brief's own time of day and weather hold for the whole book.
    time = plan.world.time or time
    item, keys, cast, place = _stage(plan, i, kind, time)
    weather = item.get("weather") or weather
    if kind in ("attempt",) and plan.family == "storm":
        weather = "storm"
    if plan.world.weather and plan.family != "storm":
        weather = plan.world.weather
    if weather == "sunny" and plan.world.setting in ("underwater", "space", "cave"):
        weather = ""  # no sky, no sun, no breeze
    parts = [_expand(p, plan.specials) for p in _parts(plan, kind, item, time, weather)]
    if kind == "open":
        parts[1:1] = _when_lines(plan)
    text = composer.page(parts, keys)
    titles = item["title"] or ["Page {n}"]
    keys["n"] = str(i + 1)
    title = composer.title(titles, keys, used_titles) or composer.title(
        [t + " Again" for t in titles] + ["Page {n}"], keys, used_titles) or f"Page {i + 1}"
    on_page = [plan.actors[j] for j in cast]
    # Everyone in the picture is in the words too (a short line, so it never crowds the page).
    missing = [a.name for a in on_page if not _named(a.name, text)]
    if missing:
        # "Otto was close behind" needs someone named to be behind; a page naming nobody says who was there.
        alone = len(missing) == len(on_page)
        lines = (_THERE_ALONE if alone else _THERE_TOO) if len(missing) == 1 else (
            _THERE_ALONE_ALL if alone else _THERE_TOO_ALL)
        line = composer._pick(lines, {"X": join_names(missing)}, set())
        if line:
            composer.used.add(norm(line))
            text = _fit(f"{text} {line}", composer.hi)
    text = _fewer_exclamations(text)
    return {"scene": i + 1, "title": title, "text": text,
            "illustration": _illustration(plan, kind, item, keys, on_page, place, time, weather),
            "characters": [a.name for a in on_page]}


_THERE_TOO = ("{X} was there too.", "{X} stayed close by.", "{X} was right there, too.", "{X} came along as well.",
              "{X} watched and waited.", "{X} helped as well.", "{X} kept close.", "{X} stayed near the others.",
              "{X} was never far away.", "{X} tagged along.", "{X} was there to help.", "{X} stayed right beside them.",
              "{X} came too.", "{X} was close behind.", "{X} joined in.", "{X} did not go far.")


_THERE_TOO_ALL = ("{X} were there too.", "{X} stayed close by.", "{X} came along as well.", "{X} were never far away.",
                  "{X} kept close.", "{X} joined in.", "{X} were right there, too.", "{X} helped as well.",
                  "{X} watched and waited.", "{X} tagged along.", "{X} stayed near.", "{X} were close behind.")


_THERE_ALONE = ("{X} was there too.", "{X} watched and waited.", "{X} helped as well.", "{X} joined in.",
                "{X} was there to help.")
_THERE_ALONE_ALL = ("{X} were there too.", "{X} watched and waited.", "{X} helped as well.", "{X} joined in.",
                    "{X} were there together.")
MOST_EXCLAMATIONS = 2  # "Look! Wow! Oh my! Yes!" on one page reads as noise, not as joining in


def _fewer_exclamations(text: str) -> str:
    """At most MOST_EXCLAMATIONS short exclamations ("Wow!") a page, the last ones dropped first, and
    never a bare "Look!" at a page's end, where there is nothing after it to look at."""
    parts = whole_sentences(text)
    short = [i for i, p in enumerate(parts) if len(p.split()) <= 2 and p.endswith("!")]
    drop = set(short[MOST_EXCLAMATIONS:])
    while parts and len(parts) - 1 not in drop and parts[-1].strip(" “”\"") == "Look!" and len(parts) > 1:
        drop.add(len(parts) - 1)
        break
    kept = [p for i, p in enumerate(parts) if i not in drop]
    return " ".join(kept) if kept else text


def _fit(text: str, most: int) -> str:
    """A page over its band's length loses its short exclamations ("Wow!") from the end first."""
    parts = whole_sentences(text)
    while sum(len(p.split()) for p in parts) > most:
        short = [i for i, p in enumerate(parts) if len(p.split()) <= 2]
        if not short:
            break
        del parts[short[-1]]
    return " ".join(parts)


def _stage(plan: _Plan, i: int, kind: str, time: str) -> tuple[dict, dict, list[int], str | None]:
    """The page's beat item, its keys (who leads, who partners), who is on it and where (None: the setting)."""
    actors, keys_of, companion, fear_index = plan.actors, plan.actor_keys, plan.companion, plan.fear_index
    fear_story = plan.family == "fear"
    keys = dict(plan.keys)
    # Lead and partner default to the hero and friend; never the one who is afraid, in a fear story.
    lead0 = next((j for j in range(len(actors)) if not (fear_story and j == fear_index)), None)
    keys.update(_role("L", keys_of[lead0]) if lead0 is not None else _role("L", companion))
    keys.update(_role("P", keys_of[1] if len(actors) > 1 else companion))
    cast = list(range(len(actors)))
    place = None
    attempt_i = plan.beats[:i].count("attempt")  # the attempts before this page
    if kind == "attempt":
        return _stage_attempt(plan, attempt_i, keys)
    if kind == "open":
        item = story.OPEN
        cast = list(range(len(actors))) if plan.include_all else [0]
    elif kind == "meet":
        item = story.MEET
    elif kind in ("play", "play2"):
        item = story.PLAY
        keys["play"] = plan.plays[0 if kind == "play" else 1 % len(plan.plays)]
        keys.update(_role("L", keys_of[0]))
    elif kind == "plan":
        item = story.PLAN
    elif kind == "low":
        item = story.LOW
        lead = (attempt_i - 1) % len(actors) if attempt_i else 0
        keys.update(_role("L", keys_of[lead]))
        keys.update(_role("P", keys_of[(lead + 1) % len(actors)] if len(actors) > 1 else companion))
        if fear_story:  # the one who is afraid feels low; the partner is somebody else ("Mira gave Ember a hug")
            keys.update(_role("L", keys_of[fear_index]))
            keys.update(_role("P", keys_of[(fear_index + 1) % len(actors)] if len(actors) > 1 else companion))
    elif kind == "helper":
        item = story.HELPER
        keys.update(_role("L", keys_of[0]))
    elif kind == "celebrate":
        item = story.CELEBRATE
        keys.update(_role("L", keys_of[-1]))
    elif kind == "ending":
        item = story.ENDING
        night = time in ("evening", "night")
        keys["ending_title"] = "Goodnight, {}".format(plan.keys["A"]) if night else "A Bright New Day"
    else:
        item = plan.beats_of[kind]
    return item, keys, cast, place


def _stage_attempt(plan: _Plan, attempt_i: int, keys: dict) -> tuple[dict, dict, list[int], str | None]:
    """An attempt page: the cast takes turns leading (the one who is afraid never leads), at the next spot."""
    actors, keys_of, companion = plan.actors, plan.actor_keys, plan.companion
    lead = attempt_i % len(actors)
    partner = (lead + 1) % len(actors)
    keys.update(_role("L", keys_of[lead]))
    keys.update(_role("P", keys_of[partner] if len(actors) > 1 else companion))
    if plan.family == "fear" and lead == plan.fear_index:
        if len(actors) > 1:
            keys.update(_role("L", keys_of[partner]))
            keys.update(_role("P", keys_of[lead]))  # never "Mira gave Mira a smile"
            lead, partner = partner, lead
        else:
            keys.update(_role("L", companion))
    spot_phrase, spot_place = plan.spots[attempt_i % len(plan.spots)]
    keys["spot"] = spot_phrase
    keys["junk"], keys["junk2"] = plan.junk[attempt_i % len(plan.junk)], plan.junk[(attempt_i + 1) % len(plan.junk)]
    cast = sorted({lead, partner, plan.fear_index} if plan.family == "fear" else {lead, partner})
    if len(actors) == 1:
        cast = [0]
    item = plan.attempts[attempt_i] if attempt_i < len(plan.attempts) else None
    if item is None:  # more tries than the bank holds: a quiet, generic try
        item = story.PLAY
    place = (fill(item.get("place") or spot_place, plan.keys, prose=False)
             if ("{spot}" in item["pic"] or item.get("place")) else None)
    return item, keys, cast, place


def _parts(plan: _Plan, kind: str, item: dict, time: str, weather: str) -> list:
    """The page's parts: the beat's own for the age band, the lesson's, then optional lines to fill the page."""
    form, lesson, beats = plan.form, plan.lesson, plan.beats
    parts = list(item[form])
    if plan.rich:
        parts += list(item["x"])
    if kind == "open" and plan.include_all:
        parts += list(story.WITH_ALL[form])
    if kind == "meet" and len(plan.actors) > 2:
        parts += list(story.MORE[form])
    if kind == "plan" and lesson:
        parts.append(optional(*lesson["plan"], p=2))
    if kind == "turn":
        if "attempt" not in beats:
            parts.insert(0, ["They tried and tried, but nothing worked.", "They tried everything they could think of."]
                         if form == "m" else ["They tried and tried."])
        if lesson:
            parts.insert(0, optional(*lesson["turn"], p=1 if plan.world.lesson_word else 3))
    if kind == "resolve" and "ending" not in beats:
        parts.append("@echo_s" if form == "s" else "@echo")
    if form == "s":
        parts.append(optional(*story.FILL_KIND_S.get(kind, ()), p=6))
        parts.append(optional(*story.FILL_KIND_S.get(kind, ()), p=8))
        parts.append(optional(*story.FILL_ANY_S, p=9))
    else:
        # One touch of feeling per page; plain narration (FILL_ANY) tops up long pages.
        parts.append(optional(*story.FILL_KIND.get(kind, ()), p=6))
        parts.append(optional(*story.FILL_KIND.get(kind, ()), p=10))  # a last resort for short pages
        # Stars and birdsong don't belong in a storm: rough weather speaks for itself.
        rough = weather in ("storm", "rain", "fog", "wind")
        times = () if rough else story.FILL_TIME.get(time, ())
        parts.append(optional(*story.FILL_WEATHER.get(weather, ()), *times, p=7))
        parts.append(optional(*times, p=8))
        if not rough:
            parts.append(optional(*plan.setting["sense"], p=8))
        parts += [optional(line, p=9) for line in story.FILL_ANY]
    return parts


def _when_lines(plan: _Plan) -> list:
    """The opening page says when and in what weather, when the brief asked for it."""
    lines: list = []
    if plan.world.time:
        lines.append(list((story.WHEN_S if plan.form == "s" else story.WHEN)[plan.world.time]))
    if plan.world.weather:
        lines.append(list((story.WEATHER_S if plan.form == "s" else story.WEATHER)[plan.world.weather]))
    return lines


def _illustration(plan: _Plan, kind: str, item: dict, keys: dict, on_page: list[Actor], place: str | None,
                  time: str, weather: str) -> str:
    mood = {"problem": _PROBLEM_MOOD.get(plan.family, "sad"), "attempt": _ATTEMPT_MOOD.get(plan.family, "calm")}.get(
        kind, _MOOD.get(kind, "happy"))
    world = plan.world
    pic_keys = dict(keys)
    pic_keys["all"] = join_names([a.name for a in on_page] + ([plan.setting["helper"][1]] if len(plan.actors) == 1 else []))
    action = fill(item["pic"], pic_keys, prose=False) or "the friends together"
    where = place or (world.pic_word if world.pic_word in PLACE_PIC else world.setting)
    setting_pic = (fill(plan.setting["pic"], plan.keys, prose=False)
                   if (kind in ("open", "resolve", "ending") and not place) else None)
    return _picture(where, setting_pic, time, weather, action,
                    [(a.name, a.look if _plain(a.look) else "") for a in on_page], mood)


def _expand(part, specials: dict):
    if isinstance(part, str) and part.startswith("@"):
        return list(specials[part[1:]])
    if isinstance(part, Opt) and len(part.variants) == 1 and part.variants[0].startswith("@"):
        return Opt(part.priority, tuple(specials[part.variants[0][1:]]))
    return part


def _named(name: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text) is not None
