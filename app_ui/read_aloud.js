// Read aloud: a page's words, spoken with the word being spoken lit up. One player, framework
// free, for the Reader (app_ui/read_aloud.py wraps it in a Streamlit component) and the public
// share page (app_web/share_read_aloud.js); nothing here is fetched from the internet.
//
// Two voices:
// - the browser's own speech synthesis (the Web Speech API): free, offline, no key. The light
//   follows its word-boundary events; a browser that sends none gets an estimate from the words'
//   lengths and the speed.
// - narration audio made by a voice model (options.narration), when the book has it: played in an
//   Audio element, the light following the word timings against currentTime. If the audio cannot
//   be played, the player says so and reads with the browser's voice instead.
//
// The words arrive as data and are set with textContent only: markup or template syntax in them
// is spoken and shown as plain words. Speed and voice are kept per browser (localStorage).
//
// mountReadAloud(root, options) draws the controls into `root` and returns {destroy, say}.
// options: {text, lang, page, last, autoplay, intro, narration, onFinished, wordsElement}
//   text       the page's words ("" on a cover)
//   lang       a BCP 47 tag ("und" or "": the browser's own language)
//   page, last this page's number and whether it is the book's last
//   autoplay   start at once, reading the whole book (the page was turned by the player)
//   intro      said first, not lit (the cover's title, shown above the words)
//   narration  null, or {src, voice, words: [[start, end, beginS, endS], ...]}, start/end in
//              UTF-16 code units of `text` (what JavaScript strings count)
//   onFinished called with `page` when "Read the whole book" reaches the end of a page that is
//              not the last: the host turns the page and mounts the next one with autoplay
//   wordsElement  where the words go (default: a new element inside root)

const READ_ALOUD_RATES = [0.75, 1, 1.25];
const READ_ALOUD_CHARS_PER_SECOND = 14; // a reading voice at rate 1, for the estimate
const READ_ALOUD_NARRATOR = "narrator"; // the voice picker's value for the narration audio
const READ_ALOUD_FALLBACK = "The narration could not be played; reading with this browser's voice instead.";

// localStorage may be missing or refuse (a private window, a sandboxed page): then nothing is kept.
const readAloudStore = {
  get(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      /* not kept */
    }
  },
};

function readAloudVoicesFor(lang) {
  const all = (window.speechSynthesis && window.speechSynthesis.getVoices()) || [];
  const base = lang.toLowerCase().split("-")[0];
  return all.filter((v) => (v.lang || "").toLowerCase().replace("_", "-").split("-")[0] === base);
}

function readAloudWordSpans(container, text) {
  // Each word is a span with its range in `text`; spaces and line breaks stay plain text.
  container.textContent = "";
  const spans = [];
  const pattern = /\S+/g;
  let last = 0;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    container.append(document.createTextNode(text.slice(last, match.index)));
    const span = document.createElement("span");
    span.className = "sm-word";
    span.textContent = match[0];
    span.dataset.start = String(match.index);
    span.dataset.end = String(match.index + match[0].length);
    container.append(span);
    spans.push(span);
    last = match.index + match[0].length;
  }
  container.append(document.createTextNode(text.slice(last)));
  return spans;
}

function readAloudNarration(value) {
  // Only a well-formed narration is used: a source and numeric timings.
  if (!value || typeof value !== "object" || typeof value.src !== "string" || !value.src) return null;
  const words = Array.isArray(value.words) ? value.words : [];
  return {
    src: value.src,
    voice: String(value.voice || ""),
    words: words
      .filter((w) => Array.isArray(w) && w.length >= 4 && w.every((n) => typeof n === "number"))
      .map((w) => w.slice(0, 4)),
  };
}

function readAloudControls(root) {
  const make = (tag, attributes, label) => {
    const element = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => element.setAttribute(name, value));
    if (label) element.textContent = label;
    return element;
  };
  const group = make("div", { class: "sm-controls", role: "group", "aria-label": "Read aloud" });
  const buttons = {
    page: make("button", { type: "button", "data-act": "page" }, "Read aloud"),
    book: make("button", { type: "button", "data-act": "book" }, "Read the whole book"),
    pause: make("button", { type: "button", "data-act": "pause", disabled: "" }, "Pause"),
    stop: make("button", { type: "button", "data-act": "stop", disabled: "" }, "Stop"),
  };
  const rateBox = make("select", { name: "rate" });
  READ_ALOUD_RATES.forEach((rate) => rateBox.append(make("option", { value: String(rate) }, rate + "×")));
  const voiceBox = make("select", { name: "voice" });
  const rateLabel = make("label", {}, "Speed ");
  rateLabel.append(rateBox);
  const voiceLabel = make("label", {}, "Voice ");
  voiceLabel.append(voiceBox);
  group.append(buttons.page, buttons.book, buttons.pause, buttons.stop, rateLabel, voiceLabel);
  const status = make("p", { class: "sm-status", role: "status", "aria-live": "polite" });
  root.textContent = "";
  root.classList.add("sm-read");
  root.append(group, status);
  return { buttons, rateBox, voiceBox, status };
}

function mountReadAloud(root, options) {
  const o = options || {};
  const { buttons, rateBox, voiceBox, status } = readAloudControls(root);
  const words = o.wordsElement || root.appendChild(document.createElement("div"));
  words.classList.add("sm-words");
  const synth = window.speechSynthesis;
  const text = String(o.text || "");
  const intro = String(o.intro || "");
  const narration = readAloudNarration(o.narration);
  // "und": a language we cannot name; the browser's own is the best guess for a voice.
  const lang = !o.lang || o.lang === "und" ? navigator.language || "en" : String(o.lang);
  const base = lang.split("-")[0];
  const spans = readAloudWordSpans(words, text);
  root.lang = lang;
  words.lang = lang;

  let utterance = null;
  let audio = null;
  let frame = 0;
  let timer = null;
  let boundarySeen = false;
  let wholeBook = Boolean(o.autoplay);
  let active = true;
  let voicesSettled = false;
  let narrationBroken = false;
  let picked = false; // a voice chosen in this player: kept when the voices change

  const rate = () => Number(rateBox.value) || 1;
  const light = (span) => spans.forEach((s) => s.classList.toggle("sm-now", s === span));
  const spanAt = (offset) =>
    spans.find((s) => Number(s.dataset.start) <= offset && offset < Number(s.dataset.end)) || null;
  const clearTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const show = (state) => {
    const busy = state === "speaking" || state === "paused";
    buttons.pause.disabled = !busy;
    buttons.stop.disabled = !busy;
    buttons.pause.textContent = state === "paused" ? "Resume" : "Pause";
    root.dataset.state = state;
  };
  // The status line: "voices" messages come and go with the voices; a "notice" stays until the
  // reader starts again.
  const say = (message, kind) => {
    status.textContent = message;
    status.dataset.kind = message ? kind || "notice" : "";
  };

  // Rate: one of three, kept per browser.
  const savedRate = Number(readAloudStore.get("storymaker.rate") || "1");
  rateBox.value = String(READ_ALOUD_RATES.includes(savedRate) ? savedRate : 1);
  rateBox.onchange = () => {
    readAloudStore.set("storymaker.rate", rateBox.value);
    if (audio) audio.playbackRate = rate();
  };

  const narratorUsable = () => Boolean(narration) && !narrationBroken;
  const fillVoices = () => {
    const voices = readAloudVoicesFor(lang);
    const previous = voiceBox.value;
    voiceBox.textContent = "";
    if (narratorUsable()) {
      const option = document.createElement("option");
      option.value = READ_ALOUD_NARRATOR;
      option.textContent = narration.voice ? "Narrator (" + narration.voice + ")" : "Narrator";
      voiceBox.append(option);
    }
    voices.forEach((v) => {
      const option = document.createElement("option");
      option.value = v.voiceURI || v.name;
      option.textContent = v.name + (v.localService ? "" : " (online)");
      voiceBox.append(option);
    });
    const known = (value) => Array.from(voiceBox.options).some((option) => option.value === value);
    const chosen = readAloudStore.get("storymaker.voice." + base);
    if (picked && known(previous)) voiceBox.value = previous;
    else if (narratorUsable() && readAloudStore.get("storymaker.narrator") !== "off") voiceBox.value = READ_ALOUD_NARRATOR;
    else if (chosen && known(chosen)) voiceBox.value = chosen;
    const speech = Boolean(synth) && voices.length > 0;
    const usable = speech || narratorUsable();
    buttons.page.disabled = !usable || !(text.trim() || intro.trim());
    buttons.book.disabled = !usable;
    voiceBox.disabled = voiceBox.options.length === 0;
    let message = "";
    if (!usable && !synth) message = "This browser cannot read aloud.";
    else if (!usable && !voicesSettled) message = "Looking for this browser's voices…";
    else if (!usable) message = "This browser has no voice for this book's language (" + lang + ").";
    if (message) say(message, "voices");
    else if (status.dataset.kind === "voices") say("");
    return usable;
  };
  voiceBox.onchange = () => {
    picked = true;
    if (voiceBox.value === READ_ALOUD_NARRATOR) {
      readAloudStore.set("storymaker.narrator", "on");
    } else {
      readAloudStore.set("storymaker.voice." + base, voiceBox.value);
      if (narration) readAloudStore.set("storymaker.narrator", "off");
    }
  };

  // An estimate when the browser sends no word boundaries: each word lasts as long as its letters.
  const estimate = (fromIndex) => {
    let i = fromIndex;
    const step = () => {
      if (!active || i >= spans.length || root.dataset.state !== "speaking") return;
      light(spans[i]);
      const length = spans[i].textContent.length + 1;
      i += 1;
      timer = setTimeout(step, (length / (READ_ALOUD_CHARS_PER_SECOND * rate())) * 1000);
    };
    step();
  };

  const silence = () => {
    // Ends whatever is playing without a trace: its late events find it replaced and do nothing.
    clearTimer();
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    if (audio) {
      const playing = audio;
      audio = null;
      playing.pause();
      playing.remove();
    }
    if (utterance && synth) {
      utterance = null;
      synth.cancel();
    }
    utterance = null;
    light(null);
  };

  const stop = (keepWholeBook) => {
    if (!keepWholeBook) wholeBook = false;
    silence();
    show("idle");
  };

  // The end of the page, spoken or played: the whole book goes on (the host turns the page).
  const finished = () => {
    clearTimer();
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    utterance = null; // over by itself: nothing to cancel
    if (audio) audio.remove();
    audio = null;
    light(null);
    show("idle");
    if (!wholeBook) return;
    if (o.last) {
      wholeBook = false;
      say("The End.");
    } else if (typeof o.onFinished === "function") {
      o.onFinished(o.page);
    }
  };

  const speak = () => {
    const voices = synth ? readAloudVoicesFor(lang) : [];
    if (!voices.length) {
      fillVoices();
      return;
    }
    silence();
    if (synth.speaking || synth.pending) synth.cancel();
    boundarySeen = false;
    const voice = voices.find((v) => (v.voiceURI || v.name) === voiceBox.value);
    const utter = (said) => {
      const u = new SpeechSynthesisUtterance(said);
      u.lang = lang;
      u.rate = rate();
      if (voice) u.voice = voice;
      return u;
    };
    // The intro is said first, not lit (the cover's title, shown above the words); then the words,
    // unless the page has none. The last utterance's end is the page's end.
    const parts = intro ? [utter(intro)] : [];
    const body = text.trim() || !intro ? utter(text) : null;
    if (body) parts.push(body);
    const run = parts[parts.length - 1];
    const ours = () => utterance === run; // not stopped, nor replaced by another reading
    parts.forEach((u) => {
      u.onstart = () => {
        if (!ours()) return;
        show("speaking");
        if (u !== body) return;
        // No boundary event soon after the words start: this browser sends none, so estimate.
        timer = setTimeout(() => {
          if (ours() && !boundarySeen) estimate(0);
        }, 400);
      };
      u.onerror = (event) => {
        if (!ours() || event.error === "interrupted" || event.error === "canceled") return;
        say("Reading aloud stopped: " + (event.error || "the voice failed") + ".");
        stop(false);
      };
    });
    if (body) {
      body.onboundary = (event) => {
        if (!ours() || (event.name && event.name !== "word")) return;
        boundarySeen = true;
        clearTimer();
        light(spanAt(event.charIndex));
      };
    }
    run.onend = () => {
      if (ours()) finished();
    };
    utterance = run;
    parts.forEach((u) => synth.speak(u));
  };

  // The narration audio: the light follows currentTime, polled every frame while it plays
  // (timeupdate comes only a few times a second).
  const follow = (a) => {
    if (audio !== a) return;
    const now = a.currentTime;
    const word = narration.words.find((w) => w[2] <= now && now < w[3]);
    light(word ? spanAt(word[0]) : null);
    frame = a.paused || a.ended ? 0 : requestAnimationFrame(() => follow(a));
  };
  const narrationFailed = (a) => {
    if (audio !== a) return;
    silence();
    narrationBroken = true;
    const speech = fillVoices();
    say(
      speech
        ? READ_ALOUD_FALLBACK
        : "The narration could not be played, and this browser has no voice for this book's language (" + lang + ")."
    );
    if (speech) speak();
    else stop(false);
  };
  const play = () => {
    silence();
    // An <audio> element in the player (hidden: the controls are the player's own), so the page
    // holds what is playing.
    const a = document.createElement("audio");
    a.hidden = true;
    a.preload = "auto";
    a.src = narration.src;
    a.playbackRate = rate();
    a.onplaying = () => {
      if (audio !== a) return;
      show("speaking");
      if (!frame) follow(a);
    };
    a.onended = () => {
      if (audio === a) finished();
    };
    a.onerror = () => narrationFailed(a);
    audio = a;
    root.append(a);
    show("speaking");
    const started = a.play();
    if (started && started.catch) {
      started.catch((error) => {
        if (audio !== a || (error && error.name === "AbortError")) return; // stopped or paused meanwhile
        if (error && error.name === "NotAllowedError") {
          // The browser plays sound only after a tap (a page turned with no tap since it opened).
          stop(true);
          say("Press Read aloud to go on: this browser plays sound only after a tap.");
          return;
        }
        narrationFailed(a);
      });
    }
  };

  const start = () => {
    if (!fillVoices()) return;
    if (narratorUsable() && voiceBox.value === READ_ALOUD_NARRATOR) play();
    else speak();
  };

  buttons.page.onclick = () => {
    wholeBook = false;
    say("");
    start();
  };
  buttons.book.onclick = () => {
    wholeBook = true;
    say("");
    start();
  };
  buttons.pause.onclick = () => {
    if (audio) {
      if (root.dataset.state === "paused") {
        audio.play().catch(() => {});
        show("speaking");
      } else {
        audio.pause();
        show("paused");
      }
      return;
    }
    if (!synth) return;
    if (root.dataset.state === "paused") {
      synth.resume();
      show("speaking");
      if (!boundarySeen) estimate(Math.max(0, spans.findIndex((s) => s.classList.contains("sm-now"))));
    } else {
      synth.pause();
      clearTimer();
      show("paused");
    }
  };
  buttons.stop.onclick = () => stop(false);

  show("idle");
  fillVoices();
  if (synth) {
    synth.onvoiceschanged = () => {
      if (!active) return;
      voicesSettled = true;
      fillVoices();
    };
  }
  // Some browsers load their voices a moment after the page; say "no voice" only after that.
  const settle = setTimeout(() => {
    voicesSettled = true;
    if (active) fillVoices();
  }, 1500);
  if (o.autoplay) {
    // The page turned by itself: go on reading once the voices are known.
    timer = setTimeout(() => {
      if (active) start();
    }, 150);
  }
  return {
    destroy() {
      active = false;
      clearTimeout(settle);
      silence();
    },
    say,
  };
}
