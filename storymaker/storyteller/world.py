"""Choosing the story's world from the brief's words: setting, problem, lesson.

Title words come first, then the premise, then the characters (a penguin
suggests snow), and only then the seed. Keywords are matched without accents so
Spanish titles work too.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .cast import Actor, fold

SETTINGS = ("forest", "beach", "lighthouse", "mountain", "meadow", "garden", "park", "town", "house",
            "castle", "space", "water", "snow", "desert", "underwater", "cave", "school", "farm", "sky")

# title/premise word -> (setting, the word the pictures should use)
SETTING_WORDS: dict[str, tuple[str, str]] = {}
for _setting, _pic, _words in (
    ("lighthouse", "lighthouse", "lighthouse lighthouses keeper faro farero"),
    ("beach", "beach", "beach seaside seashore shore sand sandcastle shell shells coast bay playa arena orilla concha"),
    ("beach", "sea", "sea seas ocean oceans boat ship sailor sailing pirate pirates island wave waves harbour harbor voyage mar oceano barco isla pirata"),
    ("forest", "forest", "forest forests woods wood woodland woodlands tree trees jungle oak pine wild wilderness bosque selva arbol"),
    ("mountain", "mountain", "mountain mountains hill hills peak summit climb climbing volcano montana cima colina"),
    ("meadow", "meadow", "meadow field fields flower flowers daisy prado campo flor flores"),
    ("garden", "garden", "garden gardens vegetable carrot seed seeds sunflower jardin huerto semilla girasol"),
    ("park", "park", "park playground swing swings slide parque columpio"),
    ("town", "town", "town city market shop shops bakery clock clocks timing tick tock bus train station ciudad mercado tienda panaderia"),
    ("town", "village", "village pueblo aldea"),
    ("town", "street", "street road calle"),
    ("house", "house", "house home attic cottage indoors casa hogar"),
    ("house", "bedroom", "bedroom bed bedtime sleep sleepy sleepover pillow pyjamas pajamas lullaby goodnight dormitorio cama dormir"),
    ("house", "kitchen", "kitchen cake cookie cookies pancake pancakes baking bake cocina pastel galleta galletas"),
    ("castle", "castle", "castle castles kingdom king queen princess prince knight knights dragon dragons tower palace throne castillo reina rey princesa principe caballero dragon torre palacio"),
    ("space", "space", "space spaceship rocket rockets planet planets star stars astronaut astronauts alien aliens galaxy comet espacio cohete planeta estrella estrellas"),
    ("space", "moon", "moon luna"),
    ("water", "river", "river stream brook rio arroyo"),
    ("water", "lake", "lake lago"),
    ("water", "pond", "pond duck ducks frog frogs charca estanque pato"),
    ("snow", "snow", "snow snowy snowman snowflake snowflakes winter ice icy igloo frost frozen penguin penguins polar arctic sled sledge nieve invierno hielo pinguino trineo"),
    ("desert", "desert", "desert dune dunes camel cactus oasis desierto camello cactus oasis"),
    ("underwater", "underwater", "underwater undersea reef coral mermaid fish whale whales dolphin dolphins octopus submarine deep arrecife sirena pez ballena delfin pulpo submarino"),
    ("cave", "cave", "cave caves cavern tunnel underground cueva caverna tunel"),
    ("school", "school", "school class classroom classmates teacher lesson lessons homework escuela colegio clase maestra"),
    ("farm", "farm", "farm farms farmyard farmer barn barnyard tractor cow cows pig pigs sheep hen hens chicken chickens horse horses granja granjero establo tractor vaca cerdo oveja gallina caballo"),
    ("sky", "sky", "sky skies cloud clouds balloon kite kites rainbow bird birds fly flying cielo nube nubes globo cometa viento arcoiris"),
):
    for _w in _words.split():
        SETTING_WORDS.setdefault(_w, (_setting, _pic))

# A character's kind suggests a world when the title doesn't.
KIND_SETTING = {
    "penguin": "snow", "snowman": "snow", "fish": "underwater", "whale": "underwater", "dolphin": "underwater",
    "octopus": "underwater", "mermaid": "underwater", "crab": "beach", "seal": "beach", "turtle": "beach",
    "astronaut": "space", "alien": "space", "robot": "space", "princess": "castle", "prince": "castle",
    "queen": "castle", "king": "castle", "knight": "castle", "dragon": "castle", "wizard": "castle",
    "witch": "forest", "fairy": "garden", "cow": "farm", "pig": "farm", "sheep": "farm", "lamb": "farm",
    "hen": "farm", "horse": "farm", "pony": "farm", "goat": "mountain", "camel": "desert", "owl": "forest",
    "fox": "forest", "squirrel": "forest", "bear": "forest", "deer": "forest", "badger": "forest",
    "hedgehog": "garden", "bee": "garden", "butterfly": "meadow", "ladybird": "garden", "snail": "garden",
    "duck": "water", "duckling": "water", "frog": "water", "otter": "water", "swan": "water",
    "bat": "cave", "pirate": "beach", "farmer": "farm", "teacher": "school", "monkey": "forest",
    "lion": "desert", "giraffe": "desert", "elephant": "desert", "mole": "garden", "firefly": "meadow",
}

# A brief that names no place gets one of these (not always the forest).
DEFAULT_SETTINGS = ("forest", "beach", "park", "garden", "meadow", "town", "farm", "house", "castle", "mountain",
                    "school", "snow", "water", "lighthouse", "space", "underwater")

FAMILIES = ("lost", "storm", "friend", "contest", "journey", "broken", "fear", "newfriend", "surprise")

FAMILY_WORDS: dict[str, str] = {}
for _family, _words in (
    ("lost", "lost missing find finding found search gone hide hiding seek treasure hunt perdido perdida "
             "buscar busca encontrar tesoro desaparecido desaparecida"),
    # Rain or wind alone is the weather, not a storm plot.
    ("storm", "storm storms stormy thunder lightning gale hurricane tormenta trueno rayo tempestad"),
    ("friend", "rescue rescuing help helping helper stuck baby home homeward save saving rescate ayuda "
               "ayudar bebe salvar casa"),
    ("contest", "race contest competition prize show fair games match cup champion championship talent "
                "carrera concurso premio competicion feria campeon"),
    ("journey", "journey trip adventure adventures quest voyage expedition travel travels explore explorer "
                "far away viaje aventura aventuras expedicion explorar"),
    ("broken", "broken fix fixing mend repair machine clock stopped broke roto rota arreglar reparar reloj "
               "maquina"),
    ("fear", "afraid scared fear fears brave bravery dark darkness night monster monsters shadow shadows "
             "nervous scary swim swimming first miedo valiente oscuridad oscuro noche monstruo sombra nadar"),
    ("newfriend", "new friend friends friendship meets meet neighbour neighbor stranger welcome hello nuevo "
                  "nueva amigo amiga amigos amistad vecino vecina hola"),
    ("surprise", "birthday party surprise present presents gift gifts celebration feast cumpleanos fiesta "
                 "sorpresa regalo regalos celebracion"),
):
    for _w in _words.split():
        FAMILY_WORDS.setdefault(_w, _family)

SETTING_FAMILIES = {
    "lighthouse": ("storm", "broken", "friend"), "beach": ("lost", "contest", "friend", "newfriend"),
    "forest": ("lost", "friend", "journey", "fear"), "mountain": ("journey", "friend", "fear"),
    "space": ("journey", "friend", "broken"), "cave": ("fear", "journey", "lost"),
    "school": ("newfriend", "contest", "fear"), "house": ("lost", "surprise", "fear"),
    "farm": ("friend", "contest", "storm"), "town": ("lost", "contest", "surprise"),
    "castle": ("broken", "surprise", "newfriend"), "snow": ("contest", "journey", "friend"),
    "underwater": ("friend", "lost", "newfriend"), "desert": ("journey", "friend", "lost"),
    "sky": ("journey", "storm", "lost"), "park": ("lost", "contest", "newfriend"),
    "garden": ("surprise", "friend", "lost"), "water": ("contest", "friend", "fear"),
    "meadow": ("lost", "friend", "surprise"),
}

LESSONS = ("sharing", "brave", "kindness", "friendship", "teamwork", "patience", "trying", "honesty",
           "yourself", "listening", "helping", "gratitude", "calm")

LESSON_WORDS: dict[str, str] = {}
for _lesson, _words in (
    ("sharing", "share sharing shares shared generous generosity compartir comparte compartimos generoso"),
    ("brave", "brave bravery courage courageous fear afraid scared valiente valentia coraje miedo"),
    ("kindness", "kind kindness caring nice gentle bondad amable amabilidad carino"),
    ("friendship", "friend friends friendship amigo amigos amistad"),
    ("teamwork", "together team teamwork cooperate cooperation juntos equipo"),
    ("patience", "patience patient wait waiting paciencia paciente esperar"),
    ("trying", "try trying again persevere perseverance practice practise up intentar intentalo rendirse "
               "perseverancia practicar"),
    ("honesty", "honest honesty truth lie lying sorry verdad honesto honestidad mentira perdon"),
    ("yourself", "yourself different unique special own yourselves mismo misma diferente especial unico"),
    ("listening", "listen listening listens escuchar escucha"),
    ("helping", "help helping helpful others ayudar ayuda"),
    ("gratitude", "thank thanks thankful grateful gratitude gracias agradecido agradecida"),
    ("calm", "calm angry anger temper feelings breathe calma enfado enojo sentimientos respirar"),
):
    for _w in _words.split():
        LESSON_WORDS.setdefault(_w, _lesson)
# Some words are only a lesson when they stand together.
_LESSON_PHRASES = (("give up", "trying"), ("try again", "trying"), ("be yourself", "yourself"),
                   ("no te rindas", "trying"), ("tal como eres", "yourself"))

FEAR_WORDS = {
    "dark": "dark", "darkness": "dark", "night": "dark", "monster": "dark", "monsters": "dark",
    "shadow": "dark", "shadows": "dark", "bedtime": "dark", "oscuridad": "dark", "oscuro": "dark",
    "noche": "dark", "monstruo": "dark", "sombra": "dark", "thunder": "dark", "cave": "dark",
    "swim": "water", "swimming": "water", "water": "water", "deep": "water", "waves": "water",
    "nadar": "water", "agua": "water", "olas": "water", "high": "high", "heights": "high",
    "climb": "high", "climbing": "high", "tall": "high", "tree": "high", "altura": "high", "trepar": "high",
    "school": "new", "first": "new", "new": "new", "escuela": "new", "colegio": "new", "primer": "new",
}
SETTING_FEAR = {"cave": "dark", "space": "dark", "house": "dark", "forest": "dark", "beach": "water",
                "water": "water", "underwater": "water", "lighthouse": "dark", "mountain": "high",
                "castle": "high", "sky": "high", "school": "new", "town": "new", "park": "high",
                "garden": "dark", "farm": "dark", "snow": "high", "desert": "dark", "meadow": "dark"}

OBJECT_WORDS = {
    "kite": "kite", "hat": "hat", "teddy": "teddy", "ball": "ball", "key": "key", "balloon": "balloon",
    "shell": "shell", "crown": "crown", "map": "map", "star": "star", "boot": "boot", "sock": "sock",
    "scarf": "scarf", "umbrella": "umbrella", "book": "book", "egg": "egg", "acorn": "acorn",
    "button": "button", "ring": "ring", "necklace": "necklace", "bell": "bell", "feather": "feather",
    "drum": "drum", "blanket": "blanket", "lantern": "lantern", "marble": "marble", "whistle": "whistle",
    "cometa": "kite", "sombrero": "hat", "osito": "teddy", "pelota": "ball", "llave": "key", "globo": "balloon",
    "concha": "shell", "corona": "crown", "mapa": "map", "estrella": "star", "bota": "boot",
    "calcetin": "sock", "bufanda": "scarf", "paraguas": "umbrella", "libro": "book", "huevo": "egg",
    "bellota": "acorn", "boton": "button", "anillo": "ring", "collar": "necklace", "campana": "bell",
    "pluma": "feather", "tambor": "drum", "manta": "blanket", "farol": "lantern", "canica": "marble",
    "silbato": "whistle",
}
SETTING_OBJECT = {"beach": "shell", "lighthouse": "lantern", "forest": "acorn", "mountain": "map",
                  "meadow": "kite", "garden": "ball", "park": "kite", "town": "balloon", "house": "teddy",
                  "castle": "crown", "space": "star", "water": "ball", "snow": "scarf", "desert": "map",
                  "underwater": "shell", "cave": "lantern", "school": "book", "farm": "bell", "sky": "kite"}


# A time of day or weather named in the title or premise holds for the whole book.
TIME_WORDS = {
    "night": "night", "nights": "night", "nighttime": "night", "midnight": "night", "moonlight": "night",
    "moonlit": "night", "bedtime": "night", "tonight": "night", "starry": "night", "noche": "night",
    "evening": "evening", "dusk": "evening", "sunset": "sunset", "twilight": "evening", "tarde": "evening",
    "dawn": "dawn", "sunrise": "dawn", "amanecer": "dawn", "morning": "morning", "manana": "morning",
}
WEATHER_WORDS = {
    "rain": "rain", "rainy": "rain", "raining": "rain", "rainstorm": "storm", "puddle": "rain", "puddles": "rain",
    "drizzle": "rain", "lluvia": "rain", "snow": "snow", "snowy": "snow", "snowing": "snow", "snowflake": "snow",
    "snowflakes": "snow", "blizzard": "snow", "nieve": "snow", "storm": "storm", "stormy": "storm",
    "thunder": "storm", "thunderstorm": "storm", "lightning": "storm", "tormenta": "storm", "wind": "wind",
    "windy": "wind", "breezy": "wind", "viento": "wind", "fog": "fog", "foggy": "fog", "mist": "fog",
    "misty": "fog", "niebla": "fog",
}


@dataclass(frozen=True)
class World:
    setting: str
    pic_word: str  # the setting word the illustrations use (lighthouse, village, pond...)
    family: str
    lesson: str | None
    lesson_word: str | None  # the premise's own word for the lesson, when there is one
    motto: str | None  # a short premise that reads as a saying ("slow and steady wins the race")
    obj: str
    fear: str
    title_setting: bool  # the setting came from the title
    time: str | None = None  # the time of day the title or premise asks for (night, evening, dawn, morning)
    weather: str | None = None  # the weather it asks for (rain, snow, storm, wind, fog)


def _keys(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def choose_world(title: str, premise: str, actors: list[Actor], rng: random.Random) -> World:
    tw, pw = _keys(title), _keys(premise)

    setting = pic = None
    for w in tw + pw:
        hit = SETTING_WORDS.get(w) or (SETTING_WORDS.get(w[:-1]) if w.endswith("s") else None)
        if hit:
            setting, pic = hit
            break
    from_title = setting is not None and any(SETTING_WORDS.get(w) for w in tw)
    if setting is None:
        # The characters the title names, else the hero (the cast comes hero first): a penguin means snow.
        named = [a for a in actors if a.kind and (a.kind in tw or any(w in tw for w in _keys(a.name)))]
        for a in named + actors[:1]:
            if a.kind in KIND_SETTING:
                setting = KIND_SETTING[a.kind]
                break
    if setting is None:
        setting = rng.choice(DEFAULT_SETTINGS)
    if pic is None:
        pic = {"water": rng.choice(("river", "lake", "pond")), "town": rng.choice(("town", "village"))}.get(setting, setting)

    def family_in(ws: list[str]) -> str | None:
        found = [FAMILY_WORDS[w] for w in ws if w in FAMILY_WORDS]
        # "Brave" and "friend" are often lessons, not plots: prefer a stronger plot word.
        strong = [f for f in found if f not in ("fear", "newfriend", "friend")]
        chosen = strong or found
        return chosen[0] if chosen else None

    family = family_in(tw) or family_in(pw)
    obj = next((OBJECT_WORDS[w] for w in tw + pw if w in OBJECT_WORDS), None)
    if family is None and obj is not None and obj not in ("star",):
        family = "lost"
    if family is None:
        options = SETTING_FAMILIES[setting]
        family = options[0] if from_title and rng.random() < 0.6 else rng.choice(options)
    if obj is None:
        obj = SETTING_OBJECT[setting]

    lesson = lesson_word = None
    low = fold(premise)
    for phrase, les in _LESSON_PHRASES:
        if phrase in low:
            lesson, lesson_word = les, None
            break
    if lesson is None:
        for w in pw:
            if w in LESSON_WORDS:
                lesson, lesson_word = LESSON_WORDS[w], w
                break
    if lesson is None and family == "fear":
        lesson = "brave"
    if lesson is None:
        lesson = rng.choice(("friendship", "teamwork", "helping", "kindness", "trying"))

    motto = None
    p = " ".join(premise.split()).strip(" .!")
    names = {fold(a.name) for a in actors if a.name}
    if p and 3 <= len(p.split()) <= 10 and not any(n and n in fold(p) for n in names):
        first = fold(p).split()[0]
        verbish = {"is", "are", "can", "makes", "make", "wins", "means", "matters", "es", "son", "hace"}
        if first not in ("a", "an", "the", "about", "story", "un", "una", "el", "la", "sobre", "how", "when") \
                and not (first.endswith("ing") and not verbish & set(fold(p).split())) \
                and not re.search(r"[\"“”«»]", p):
            motto = p[:1].lower() + p[1:] if not p[:2].isupper() else p

    fear = next((FEAR_WORDS[w] for w in tw + pw if w in FEAR_WORDS), SETTING_FEAR.get(setting, "dark"))
    time = next((TIME_WORDS[w] for w in tw + pw if w in TIME_WORDS), None)
    weather = next((WEATHER_WORDS[w] for w in tw + pw if w in WEATHER_WORDS), None)
    return World(setting=setting, pic_word=pic, family=family, lesson=lesson, lesson_word=lesson_word,
                 motto=motto, obj=obj, fear=fear, title_setting=from_title, time=time, weather=weather)
