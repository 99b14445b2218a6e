"""Reading a character's look and personality into facts the writer can use.

People describe characters in free words ("a curious girl with red boots",
"tiny grey cat, shy"). We look for a handful of known words: what kind of
creature it is, its size and colour, things it wears or has, and personality
traits. Anything we don't recognise is simply not used in the prose (the raw
look still goes into the illustration), so odd input never breaks a sentence.
English and Spanish input words are both understood.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..models.base import CharacterLook

# kind -> (gender or None, class, ability)
KINDS: dict[str, tuple[str | None, str, str]] = {
    "girl": ("f", "human", ""), "boy": ("m", "human", ""), "child": (None, "human", ""),
    "baby": (None, "human", ""), "princess": ("f", "human", ""), "prince": ("m", "human", ""),
    "queen": ("f", "human", ""), "king": ("m", "human", ""), "knight": (None, "human", ""),
    "pirate": (None, "human", ""), "wizard": ("m", "human", ""), "witch": ("f", "human", ""),
    "fairy": ("f", "human", "fly"), "mermaid": ("f", "human", "swim"), "grandma": ("f", "human", ""),
    "grandpa": ("m", "human", ""), "mum": ("f", "human", ""), "dad": ("m", "human", ""),
    "sister": ("f", "human", ""), "brother": ("m", "human", ""), "teacher": (None, "human", ""),
    "astronaut": (None, "human", ""), "explorer": (None, "human", ""), "farmer": (None, "human", ""),
    "baker": (None, "human", ""), "woman": ("f", "human", ""), "man": ("m", "human", ""),
    "scientist": (None, "human", ""), "inventor": (None, "human", ""),
    "cat": (None, "animal", "small"), "kitten": (None, "animal", "small"), "dog": (None, "animal", "nose"),
    "puppy": (None, "animal", "nose"), "rabbit": (None, "animal", "ears"), "bunny": (None, "animal", "ears"),
    "bear": (None, "animal", "strong"), "teddy": (None, "animal", "small"), "fox": (None, "animal", "nose"),
    "owl": (None, "animal", "dark"), "mouse": (None, "animal", "small"), "bird": (None, "animal", "fly"),
    "duck": (None, "animal", "swim"), "duckling": (None, "animal", "swim"), "penguin": (None, "animal", "swim"),
    "elephant": (None, "animal", "strong"), "lion": (None, "animal", "strong"), "tiger": (None, "animal", "strong"),
    "monkey": (None, "animal", "climb"), "giraffe": (None, "animal", "tall"), "turtle": (None, "animal", "swim"),
    "frog": (None, "animal", "swim"), "fish": (None, "animal", "swim"), "whale": (None, "animal", "swim"),
    "dolphin": (None, "animal", "swim"), "octopus": (None, "animal", "swim"), "crab": (None, "animal", "small"),
    "hedgehog": (None, "animal", "small"), "squirrel": (None, "animal", "climb"), "horse": (None, "animal", "strong"),
    "pony": (None, "animal", "strong"), "unicorn": (None, "animal", "glow"), "dragon": (None, "animal", "fly"),
    "dinosaur": (None, "animal", "tall"), "pig": (None, "animal", "nose"), "cow": ("f", "animal", "strong"),
    "sheep": (None, "animal", "ears"), "lamb": (None, "animal", "ears"), "goat": (None, "animal", "climb"),
    "hen": ("f", "animal", "dark"), "butterfly": (None, "animal", "fly"), "bee": (None, "animal", "fly"),
    "ladybird": (None, "animal", "small"), "snail": (None, "animal", "small"), "seal": (None, "animal", "swim"),
    "otter": (None, "animal", "swim"), "badger": (None, "animal", "nose"), "deer": (None, "animal", "ears"),
    "wolf": (None, "animal", "nose"), "panda": (None, "animal", "strong"), "koala": (None, "animal", "climb"),
    "kangaroo": (None, "animal", "tall"), "robot": (None, "thing", "clever"), "alien": (None, "thing", "clever"),
    "monster": (None, "thing", "strong"), "snowman": ("m", "thing", "strong"), "firefly": (None, "animal", "glow"),
    "bat": (None, "animal", "ears"), "hamster": (None, "animal", "small"), "parrot": (None, "animal", "fly"),
    "goose": (None, "animal", "fly"), "swan": (None, "animal", "swim"), "camel": (None, "animal", "strong"),
    "llama": (None, "animal", "tall"), "sloth": (None, "animal", "climb"), "raccoon": (None, "animal", "nose"),
    "mole": (None, "animal", "nose"), "caterpillar": (None, "animal", "small"), "chick": (None, "animal", "small"),
}

KIND_WORDS: dict[str, str] = {k: k for k in KINDS} | {
    "kid": "child", "toddler": "baby", "granny": "grandma", "grandmother": "grandma", "nana": "grandma",
    "grandad": "grandpa", "granddad": "grandpa", "grandfather": "grandpa", "mom": "mum", "mother": "mum",
    "mommy": "mum", "mummy": "mum", "father": "dad", "daddy": "dad", "lady": "woman", "kitty": "kitten",
    "pup": "puppy", "doggy": "dog", "doggie": "dog", "ladybug": "ladybird", "tortoise": "turtle",
    "chicken": "hen", "bunny-rabbit": "bunny", "dino": "dinosaur", "piglet": "pig", "calf": "cow",
    "kid-goat": "goat", "foal": "pony", "cub": "bear", "bird": "bird", "sparrow": "bird", "robin": "bird",
    "puffin": "bird", "seagull": "bird", "gull": "bird", "crow": "bird", "magpie": "bird",
    # Spanish
    "niña": "girl", "nina": "girl", "chica": "girl", "niño": "boy", "nino": "boy", "chico": "boy",
    "princesa": "princess", "príncipe": "prince", "principe": "prince", "reina": "queen", "rey": "king",
    "caballero": "knight", "pirata": "pirate", "mago": "wizard", "maga": "wizard", "bruja": "witch",
    "hada": "fairy", "sirena": "mermaid", "abuela": "grandma", "abuelo": "grandpa", "mamá": "mum",
    "papá": "dad", "hermana": "sister", "hermano": "brother", "maestra": "teacher", "maestro": "teacher",
    "astronauta": "astronaut", "exploradora": "explorer", "explorador": "explorer",
    "gato": "cat", "gata": "cat", "gatito": "kitten", "gatita": "kitten", "perro": "dog", "perra": "dog",
    "perrito": "puppy", "perrita": "puppy", "cachorro": "puppy", "conejo": "rabbit", "coneja": "rabbit",
    "conejito": "bunny", "conejita": "bunny", "oso": "bear", "osa": "bear", "osito": "teddy", "osita": "teddy",
    "zorro": "fox", "zorra": "fox", "búho": "owl", "buho": "owl", "lechuza": "owl", "ratón": "mouse",
    "raton": "mouse", "ratoncita": "mouse", "pájaro": "bird", "pajaro": "bird", "pajarito": "bird",
    "pato": "duck", "pata": "duck", "patito": "duckling", "pingüino": "penguin", "pinguino": "penguin",
    "elefante": "elephant", "elefanta": "elephant", "león": "lion", "leon": "lion", "leona": "lion",
    "tigre": "tiger", "mono": "monkey", "mona": "monkey", "jirafa": "giraffe", "tortuga": "turtle",
    "rana": "frog", "pez": "fish", "ballena": "whale", "delfín": "dolphin", "delfin": "dolphin",
    "pulpo": "octopus", "cangrejo": "crab", "erizo": "hedgehog", "ardilla": "squirrel", "caballo": "horse",
    "yegua": "horse", "poni": "pony", "unicornio": "unicorn", "dragón": "dragon", "dragon": "dragon",
    "dinosaurio": "dinosaur", "cerdo": "pig", "cerdito": "pig", "vaca": "cow", "oveja": "sheep",
    "cordero": "lamb", "corderito": "lamb", "cabra": "goat", "gallina": "hen", "mariposa": "butterfly",
    "abeja": "bee", "mariquita": "ladybird", "caracol": "snail", "foca": "seal", "nutria": "otter",
    "ciervo": "deer", "lobo": "wolf", "robot": "robot", "monstruo": "monster", "luciérnaga": "firefly",
    "murciélago": "bat", "hámster": "hamster", "hamster": "hamster", "loro": "parrot", "camello": "camel",
    "pollito": "chick",
}

# Words that tell us the gender when the kind doesn't (e.g. "a cat; she loves naps").
_FEMININE = {"she", "her", "hers", "herself", "ella", "female", "lady"}
_MASCULINE = {"he", "him", "his", "himself", "él", "male"}

TRAIT_WORDS: dict[str, str] = {
    "curious": "curious", "inquisitive": "curious", "nosy": "curious", "shy": "shy", "timid": "shy",
    "bashful": "shy", "brave": "brave", "fearless": "brave", "courageous": "brave", "kind": "kind",
    "caring": "kind", "sweet": "kind", "generous": "kind", "clever": "clever", "smart": "clever",
    "wise": "clever", "bright": "clever", "funny": "funny", "silly": "funny", "cheeky": "funny",
    "goofy": "funny", "cheerful": "cheerful", "happy": "cheerful", "jolly": "cheerful", "sunny": "cheerful",
    "grumpy": "grumpy", "cranky": "grumpy", "gentle": "gentle", "calm": "gentle", "careful": "careful",
    "cautious": "careful", "adventurous": "bold", "bold": "bold", "daring": "bold", "quiet": "quiet",
    "loud": "loud", "noisy": "loud", "helpful": "helpful", "playful": "playful", "sleepy": "sleepy",
    "lazy": "sleepy", "bossy": "bossy", "clumsy": "clumsy", "creative": "creative", "artistic": "creative",
    "imaginative": "creative", "dreamy": "creative", "musical": "musical", "friendly": "friendly",
    "nervous": "nervous", "anxious": "nervous", "worried": "nervous", "scared": "nervous", "fearful": "nervous",
    "patient": "patient", "energetic": "energetic", "bouncy": "energetic", "lively": "energetic",
    "busy": "energetic", "stubborn": "stubborn", "hungry": "hungry", "greedy": "hungry",
    "chatty": "chatty", "talkative": "chatty",
    # Spanish (both genders)
    "curioso": "curious", "curiosa": "curious", "tímido": "shy", "tímida": "shy", "timido": "shy",
    "timida": "shy", "valiente": "brave", "amable": "kind", "bondadoso": "kind", "bondadosa": "kind",
    "listo": "clever", "lista": "clever", "inteligente": "clever", "sabio": "clever", "sabia": "clever",
    "gracioso": "funny", "graciosa": "funny", "divertido": "funny", "divertida": "funny",
    "alegre": "cheerful", "feliz": "cheerful", "gruñón": "grumpy", "gruñona": "grumpy",
    "tranquilo": "gentle", "tranquila": "gentle", "dulce": "gentle", "cuidadoso": "careful",
    "cuidadosa": "careful", "aventurero": "bold", "aventurera": "bold", "callado": "quiet",
    "callada": "quiet", "ruidoso": "loud", "ruidosa": "loud", "servicial": "helpful",
    "juguetón": "playful", "juguetona": "playful", "dormilón": "sleepy", "dormilona": "sleepy",
    "mandón": "bossy", "mandona": "bossy", "torpe": "clumsy", "creativo": "creative", "creativa": "creative",
    "soñador": "creative", "soñadora": "creative", "simpático": "friendly",
    "simpática": "friendly", "nervioso": "nervous", "nerviosa": "nervous", "miedoso": "nervous",
    "miedosa": "nervous", "paciente": "patient", "inquieto": "energetic", "inquieta": "energetic",
    "terco": "stubborn", "terca": "stubborn", "glotón": "hungry", "glotona": "hungry",
    "charlatán": "chatty", "charlatana": "chatty",
}

SIZE_WORDS: dict[str, str] = {
    "tiny": "tiny", "little": "little", "small": "little", "wee": "tiny", "big": "big", "large": "big",
    "huge": "big", "giant": "big", "tall": "tall", "fluffy": "fluffy", "furry": "fluffy", "round": "round",
    "chubby": "round", "plump": "round", "old": "old", "young": "little",
    "diminuto": "tiny", "diminuta": "tiny", "pequeño": "little", "pequeña": "little", "pequeno": "little",
    "grande": "big", "enorme": "big", "alto": "tall", "alta": "tall", "peludo": "fluffy",
    "peluda": "fluffy", "redondo": "round", "redonda": "round", "viejo": "old", "vieja": "old",
}

COLOUR_WORDS: dict[str, str] = {
    "red": "red", "blue": "blue", "green": "green", "yellow": "yellow", "orange": "orange",
    "purple": "purple", "violet": "purple", "pink": "pink", "black": "black", "white": "white",
    "grey": "grey", "gray": "grey", "brown": "brown", "golden": "gold", "gold": "gold",
    "silver": "silver", "ginger": "ginger", "striped": "striped", "stripy": "striped",
    "spotty": "spotted", "spotted": "spotted", "rainbow": "rainbow", "sparkly": "sparkly",
    "shiny": "sparkly", "glittery": "sparkly",
    "rojo": "red", "roja": "red", "rojos": "red", "rojas": "red", "azul": "blue", "azules": "blue",
    "verde": "green", "verdes": "green", "amarillo": "yellow", "amarilla": "yellow",
    "amarillos": "yellow", "amarillas": "yellow", "naranja": "orange", "morado": "purple",
    "morada": "purple", "morados": "purple", "moradas": "purple", "rosa": "pink", "rosas": "pink",
    "negro": "black", "negra": "black", "negros": "black", "negras": "black", "blanco": "white",
    "blanca": "white", "blancos": "white", "blancas": "white", "gris": "grey", "grises": "grey",
    "marrón": "brown", "marron": "brown", "dorado": "gold", "dorada": "gold", "plateado": "silver",
    "plateada": "silver", "brillante": "sparkly",
}

ITEM_WORDS: dict[str, str] = {
    "boots": "boots", "wellies": "boots", "wellingtons": "boots", "shoes": "shoes", "sneakers": "shoes",
    "trainers": "shoes", "hat": "hat", "cap": "cap", "beanie": "hat", "scarf": "scarf", "coat": "coat",
    "jacket": "coat", "raincoat": "raincoat", "dress": "dress", "skirt": "dress", "jumper": "jumper",
    "sweater": "jumper", "hoodie": "jumper", "glasses": "glasses", "spectacles": "glasses",
    "backpack": "backpack", "rucksack": "backpack", "cape": "cape", "cloak": "cape", "crown": "crown",
    "tiara": "crown", "bow": "bow", "ribbon": "bow", "helmet": "helmet", "umbrella": "umbrella",
    "curls": "curls", "curly": "curls", "pigtails": "pigtails", "ponytail": "pigtails", "braids": "pigtails",
    "plaits": "pigtails", "tail": "tail", "ears": "ears", "whiskers": "whiskers", "wings": "wings",
    "collar": "collar", "bell": "collar", "freckles": "freckles", "spots": "spots", "stripes": "stripes",
    "mane": "mane", "shell": "shell", "wheels": "wheels", "antennae": "antennae", "overalls": "overalls",
    "dungarees": "overalls", "apron": "apron", "socks": "socks", "mittens": "mittens", "gloves": "mittens",
    "satchel": "backpack", "bag": "backpack", "paws": "paws", "nose": "nose", "hair": "hair",
    "botas": "boots", "zapatos": "shoes", "zapatillas": "shoes", "sombrero": "hat", "gorro": "hat",
    "gorra": "cap", "bufanda": "scarf", "abrigo": "coat", "chaqueta": "coat", "impermeable": "raincoat",
    "vestido": "dress", "falda": "dress", "jersey": "jumper", "suéter": "jumper", "gafas": "glasses",
    "lentes": "glasses", "anteojos": "glasses", "mochila": "backpack", "capa": "cape", "corona": "crown",
    "lazo": "bow", "moño": "bow", "casco": "helmet", "paraguas": "umbrella", "rizos": "curls",
    "coletas": "pigtails", "trenzas": "pigtails", "cola": "tail", "orejas": "ears", "bigotes": "whiskers",
    "alas": "wings", "pecas": "freckles", "manchas": "spots", "rayas": "stripes",
    "melena": "mane", "caparazón": "shell", "ruedas": "wheels", "antenas": "antennae", "peto": "overalls",
    "delantal": "apron", "calcetines": "socks", "manoplas": "mittens", "guantes": "mittens", "pelo": "hair",
}
# Items that belong to a body rather than a wardrobe.
BODY_ITEMS = {"curls", "pigtails", "tail", "ears", "whiskers", "wings", "freckles", "spots", "stripes",
              "mane", "shell", "wheels", "antennae", "paws", "nose", "hair"}

# Abilities for people come from their personality.
_TRAIT_ABILITY = {"curious": "notice", "brave": "climb", "bold": "climb", "clever": "clever",
                  "shy": "ears", "quiet": "ears", "careful": "notice", "patient": "ears",
                  "creative": "clever", "energetic": "climb", "helpful": "strong", "kind": "notice"}

# What a kind of creature holds and carries things with: (hands, hand, arms).
_BODY_GROUPS = (
    (("paws", "paw", "front paws"), "cat kitten dog puppy rabbit bunny bear teddy fox mouse elephant lion tiger monkey "
                                    "hedgehog squirrel wolf panda koala kangaroo otter badger hamster raccoon mole "
                                    "sloth dinosaur"),
    (("wings", "wing", "wings"), "owl bird duck duckling hen butterfly bee parrot goose swan bat chick firefly ladybird"),
    (("fins", "fin", "fins"), "fish whale dolphin"),
    (("flippers", "flipper", "flippers"), "penguin seal turtle"),
    (("hooves", "hoof", "legs"), "horse pony unicorn pig cow sheep lamb goat deer camel llama"),
    (("claws", "claw", "claws"), "dragon crab"),
    (("tentacles", "tentacle", "tentacles"), "octopus"),
    (("feelers", "feeler", "feelers"), "snail caterpillar"),
    (("webbed feet", "webbed foot", "legs"), "frog"),
)
BODY: dict[str, tuple[str, str, str]] = {k: parts for parts, kinds in _BODY_GROUPS for k in kinds.split()}
HANDS = ("hands", "hand", "arms")

PRONOUNS = ("he", "she", "they", "name")  # what Characters offers; "" reads it from the look

_WORD = re.compile(r"[\w'-]+", re.UNICODE)


@dataclass(frozen=True)
class Actor:
    """What the writer knows about one character."""

    name: str
    look: str = ""
    kind: str | None = None
    gender: str | None = None  # "f", "m" or None when we can't tell
    cls: str = "unknown"  # human, animal, thing, unknown
    size: str | None = None
    colour: str | None = None
    items: tuple[tuple[str | None, str], ...] = ()  # (colour or None, item)
    traits: tuple[str, ...] = ()
    ability: str = "notice"
    likes: str | None = None  # "to sing", "books" (English only, as written)
    pronoun: str = "they"  # he, she, they or name: how the story refers back to the character
    index: int = 0
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def trait(self) -> str | None:
        return self.traits[0] if self.traits else None


def words(text: str) -> list[str]:
    return [w.strip("'-").lower() for w in _WORD.findall(text or "") if w.strip("'-")]


def fold(text: str) -> str:
    """Lower-case without accents, for keyword matching."""
    nfkd = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def read_actor(character: CharacterLook, index: int = 0) -> Actor:
    look = " ".join((character.look or "").split())
    personality = " ".join((character.personality or "").split())
    look_words = words(look)
    all_words = look_words + words(personality)

    kind = None
    for w in look_words + words(personality):
        k = KIND_WORDS.get(w) or (KIND_WORDS.get(w[:-1]) if w.endswith("s") and len(w) > 3 else None)
        if k:
            kind = k
            if KINDS[k][1] in ("human", "animal", "thing"):
                break
    gender, cls, ability = KINDS.get(kind or "", (None, "unknown", ""))
    if kind in ("teddy",) and "bear" in all_words:
        kind = "teddy"
    spanish_feminine = {"niña", "gata", "gatita", "perra", "perrita", "coneja", "conejita", "osa", "osita",
                        "ratoncita", "pata", "patita", "elefanta", "leona", "mona", "yegua", "cierva",
                        "maga", "maestra", "exploradora", "pajarita"}
    if gender is None:
        ws = set(all_words)
        if ws & _FEMININE or ws & spanish_feminine:
            gender = "f"
        elif ws & _MASCULINE:
            gender = "m"

    size = next((SIZE_WORDS[w] for w in look_words if w in SIZE_WORDS), None)
    items: list[tuple[str | None, str]] = []
    colour = None
    pending: str | None = None
    for w in look_words:
        if w in COLOUR_WORDS:
            pending = COLOUR_WORDS[w]
            continue
        if w in ITEM_WORDS:
            item = ITEM_WORDS[w]
            if item not in {i for _, i in items}:
                items.append((pending, item))
            pending = None
            continue
        if KIND_WORDS.get(w) == kind and pending and colour is None:
            colour = pending
        if w not in SIZE_WORDS and w not in {"and", "y", "with", "con", "a", "an", "the", "un", "una"}:
            pending = None if w not in TRAIT_WORDS else pending
    # Spanish puts the colour after the noun: "botas rojas", "gata gris".
    for i, w in enumerate(look_words[:-1]):
        nxt = look_words[i + 1]
        if nxt in COLOUR_WORDS:
            if w in ITEM_WORDS:
                items = [(c if (it != ITEM_WORDS[w] or c) else COLOUR_WORDS[nxt], it) for c, it in items]
            elif KIND_WORDS.get(w) == kind and colour is None:
                colour = COLOUR_WORDS[nxt]

    traits: list[str] = []
    for w in all_words:
        t = TRAIT_WORDS.get(w)
        if t and t not in traits:
            traits.append(t)
    if not ability:
        ability = next((_TRAIT_ABILITY[t] for t in traits if t in _TRAIT_ABILITY), "notice")
        if cls == "unknown" and not traits:
            ability = "notice"

    likes = None
    m = re.search(r"\b(?:loves?|likes?|adores?)\s+([a-z][a-z ]{2,30}?)(?:[,.;!]|\band\b|$)", personality.lower() + ".")
    if m is None:
        m = re.search(r"\b(?:loves?|likes?|adores?)\s+([a-z][a-z ]{2,30}?)(?:[,.;!]|\band\b|$)", look.lower() + ".")
    if m:
        likes = m.group(1).strip()

    chosen = (character.pronoun or "").strip().lower()
    if chosen in PRONOUNS:
        pronoun = chosen
        gender = {"he": "m", "she": "f"}.get(chosen)
    else:
        pronoun = {"f": "she", "m": "he"}.get(gender or "", "they")

    return Actor(
        name=character.name.strip(), look=look, kind=kind, gender=gender, cls=cls, size=size, pronoun=pronoun,
        colour=colour, items=tuple(items), traits=tuple(traits[:3]), ability=ability or "notice",
        likes=likes, index=index,
    )
