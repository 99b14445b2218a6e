// Read aloud: a page's words, spoken by the browser's own speech synthesis (the Web Speech API),
// with the word being spoken lit up. Free, offline, no key. The words arrive as data and are set
// with textContent only: markup or template syntax in them is spoken as plain words.
//
// Highlighting follows the synthesizer's word-boundary events; a browser that sends none gets an
// estimate from the words' lengths and the speed. "Read the whole book" asks the page to turn
// (trigger "finished") at the end of each page; the next page starts by itself (data.autoplay).
// Speed and voice are kept in localStorage, per browser. `data.intro` (the cover's title) is said
// first, without lighting.

const RATES = [0.75, 1, 1.25];
const CHARS_PER_SECOND = 14; // a reading voice at rate 1, for the estimate

function voicesFor(lang) {
  const all = (window.speechSynthesis && window.speechSynthesis.getVoices()) || [];
  const base = lang.toLowerCase().split("-")[0];
  return all.filter((v) => (v.lang || "").toLowerCase().replace("_", "-").split("-")[0] === base);
}

function wordSpans(container, text) {
  // Each word is a span with its character range; spaces and line breaks stay plain text.
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

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  const root = parentElement.querySelector(".sm-read");
  const words = root.querySelector(".sm-words");
  const status = root.querySelector(".sm-status");
  const buttons = {
    page: root.querySelector("[data-act=page]"),
    book: root.querySelector("[data-act=book]"),
    pause: root.querySelector("[data-act=pause]"),
    stop: root.querySelector("[data-act=stop]"),
  };
  const rateBox = root.querySelector("select[name=rate]");
  const voiceBox = root.querySelector("select[name=voice]");
  const synth = window.speechSynthesis;
  const text = String(data.text || "");
  // "und": a language we cannot name; the browser's own is the best guess for a voice.
  const lang = !data.lang || data.lang === "und" ? navigator.language || "en" : String(data.lang);
  const spans = wordSpans(words, text);
  root.lang = lang;

  let utterance = null;
  let timer = null;
  let boundarySeen = false;
  let wholeBook = Boolean(data.autoplay);
  let active = true;
  let voicesSettled = false;

  const light = (span) => {
    spans.forEach((s) => s.classList.toggle("sm-now", s === span));
  };
  const clearTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const show = (state) => {
    const speaking = state === "speaking" || state === "paused";
    buttons.pause.disabled = !speaking;
    buttons.stop.disabled = !speaking;
    buttons.pause.textContent = state === "paused" ? "Resume" : "Pause";
    root.dataset.state = state;
  };

  // Rate: one of three, kept per browser.
  const savedRate = Number(localStorage.getItem("storymaker.rate") || "1");
  rateBox.value = String(RATES.includes(savedRate) ? savedRate : 1);
  rateBox.onchange = () => localStorage.setItem("storymaker.rate", rateBox.value);

  const fillVoices = () => {
    const voices = voicesFor(lang);
    const chosen = localStorage.getItem("storymaker.voice." + lang.split("-")[0]);
    voiceBox.textContent = "";
    voices.forEach((v) => {
      const option = document.createElement("option");
      option.value = v.voiceURI || v.name;
      option.textContent = v.name + (v.localService ? "" : " (online)");
      voiceBox.append(option);
    });
    if (chosen && voices.some((v) => (v.voiceURI || v.name) === chosen)) voiceBox.value = chosen;
    const usable = Boolean(synth) && voices.length > 0;
    buttons.page.disabled = !usable || !text.trim();
    buttons.book.disabled = !usable;
    voiceBox.disabled = !usable;
    if (!synth) status.textContent = "This browser cannot read aloud.";
    else if (!voices.length && !voicesSettled) status.textContent = "Looking for this browser's voices…";
    else if (!voices.length) status.textContent = "This browser has no voice for this book's language (" + lang + ").";
    else if (status.dataset.kind !== "reading") status.textContent = "";
    return usable;
  };
  voiceBox.onchange = () => localStorage.setItem("storymaker.voice." + lang.split("-")[0], voiceBox.value);

  // An estimate when the browser sends no word boundaries: each word lasts as long as its letters.
  const estimate = (fromIndex) => {
    const rate = Number(rateBox.value) || 1;
    let i = fromIndex;
    const step = () => {
      if (!active || i >= spans.length || root.dataset.state !== "speaking") return;
      light(spans[i]);
      const length = spans[i].textContent.length + 1;
      i += 1;
      timer = setTimeout(step, (length / (CHARS_PER_SECOND * rate)) * 1000);
    };
    step();
  };

  const stop = (keepWholeBook) => {
    clearTimer();
    if (!keepWholeBook) wholeBook = false;
    if (synth) synth.cancel();
    utterance = null;
    light(null);
    status.dataset.kind = "";
    show("idle");
  };

  const speak = () => {
    if (!fillVoices()) return;
    if (synth.speaking || synth.pending) synth.cancel();
    clearTimer();
    boundarySeen = false;
    const u = new SpeechSynthesisUtterance(text);
    u.lang = lang;
    u.rate = Number(rateBox.value) || 1;
    const voice = voicesFor(lang).find((v) => (v.voiceURI || v.name) === voiceBox.value);
    if (voice) u.voice = voice;
    u.onboundary = (event) => {
      if (event.name && event.name !== "word") return;
      boundarySeen = true;
      clearTimer();
      const at = event.charIndex;
      light(spans.find((s) => Number(s.dataset.start) <= at && at < Number(s.dataset.end)) || null);
    };
    u.onstart = () => {
      show("speaking");
      // No boundary event soon after the start: this browser sends none, so estimate.
      timer = setTimeout(() => {
        if (!boundarySeen) estimate(0);
      }, 400);
    };
    u.onend = () => {
      if (utterance !== u) return; // stopped, or replaced by another
      clearTimer();
      light(null);
      utterance = null;
      show("idle");
      if (wholeBook) {
        if (data.last) {
          wholeBook = false;
          status.textContent = "The End.";
        } else {
          setTriggerValue("finished", { page: data.page, nonce: Date.now() });
        }
      }
    };
    u.onerror = (event) => {
      if (utterance !== u) return;
      if (event.error === "interrupted" || event.error === "canceled") return;
      status.textContent = "Reading aloud stopped: " + (event.error || "the voice failed") + ".";
      stop(false);
    };
    utterance = u;
    status.dataset.kind = "reading";
    const intro = String(data.intro || "");
    if (intro) {
      // Said first, not lit: the cover's title, shown above the words.
      const first = new SpeechSynthesisUtterance(intro);
      first.lang = u.lang;
      first.rate = u.rate;
      if (voice) first.voice = voice;
      first.onstart = () => show("speaking");
      synth.speak(first);
    }
    synth.speak(u);
  };

  buttons.page.onclick = () => {
    wholeBook = false;
    speak();
  };
  buttons.book.onclick = () => {
    wholeBook = true;
    speak();
  };
  buttons.pause.onclick = () => {
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
      voicesSettled = true;
      fillVoices();
    };
    // Some browsers load their voices a moment after the page; say "no voice" only after that.
    setTimeout(() => {
      voicesSettled = true;
      if (active) fillVoices();
    }, 1500);
  }
  if (data.autoplay) {
    // The page turned by itself: go on reading once the voices are known.
    setTimeout(() => {
      if (active) speak();
    }, 150);
  }
  return () => {
    active = false;
    clearTimer();
    if (utterance && synth) synth.cancel();
  };
}
