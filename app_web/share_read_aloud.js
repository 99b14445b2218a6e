// Read aloud on a share link's page: mounts the player (app_ui/read_aloud.js, served in the same
// script just before this) over the server-rendered words, which stay readable without any script.
//
// "Read the whole book" turns the pages in place: a navigation would lose the tap that lets the
// browser speak or play sound, so at the end of a page this fetches every page once (/pages),
// swaps the picture, heading, words and links, and puts the new page's address in the location
// bar with history.replaceState. Every text is set with textContent.
(function () {
  "use strict";
  const block = document.getElementById("read-aloud-data");
  if (!block || typeof mountReadAloud !== "function") return;
  let data;
  try {
    data = JSON.parse(block.textContent);
  } catch (error) {
    return; // the page reads on without the player
  }
  let book = null; // every page, once fetched
  let player = null;

  const element = (tag, attributes, text) => {
    const made = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => made.setAttribute(name, value));
    if (text) made.textContent = text;
    return made;
  };

  const mount = (page, autoplay) => {
    if (player) player.destroy();
    const root = document.getElementById("read-aloud");
    if (!root) return;
    player = mountReadAloud(root, {
      text: page.text,
      lang: data.lang,
      page: page.number,
      last: page.number >= data.last,
      autoplay: autoplay,
      intro: page.number === 0 ? data.title : "",
      narration: page.narration || null,
      wordsElement: document.querySelector("main .words") || undefined,
      onFinished: turn,
    });
  };

  // Page `page` of the book in place of the one shown (never the cover: reading goes forward).
  const show = (page) => {
    const figure = document.querySelector("main figure");
    const column = figure && figure.nextElementSibling;
    const nav = document.querySelector("main nav");
    if (!figure || !column || !nav) return false;
    figure.textContent = "";
    if (page.picture) {
      figure.append(element("img", { src: page.picture, alt: page.alt, width: "1024", height: "1024" }));
    } else {
      figure.append(element("div", { class: "missing" }, "This picture is not in the book any more."));
    }
    column.textContent = "";
    column.append(
      element("h2", {}, page.heading),
      element("div", { id: "read-aloud" }),
      element("div", { class: "words" }),
      element("p", { class: "count" }, "Page " + page.number + " of " + data.last)
    );
    if (page.number === data.last) column.append(element("p", { class: "end" }, "The End"));
    nav.textContent = "";
    nav.append(element("a", { href: "?page=" + (page.number - 1), rel: "prev" }, "‹ Previous"));
    if (page.number < data.last) {
      nav.append(element("a", { href: "?page=" + (page.number + 1), rel: "next" }, "Next ›"));
    } else {
      nav.append(element("a", { href: "?page=0", rel: "first" }, "Back to the cover"));
    }
    document.title = page.heading + " · " + data.title;
    history.replaceState(history.state, "", "?page=" + page.number);
    return true;
  };

  const everyPage = () => {
    if (book) return Promise.resolve(book);
    return fetch(data.pages, { credentials: "same-origin", cache: "no-store" })
      .then((answer) => {
        if (!answer.ok) throw new Error("status " + answer.status);
        return answer.json();
      })
      .then((found) => {
        book = found;
        data.last = found.last;
        return found;
      });
  };

  function turn(number) {
    everyPage()
      .then((found) => {
        const next = found.pages.find((page) => page.number === number + 1);
        if (!next || !show(next)) throw new Error("no next page");
        mount(next, true);
      })
      .catch(() => {
        if (player) player.say("The next page could not be loaded. Use Next › to go on.");
      });
  }

  mount(data.page, false);
})();
