"""The browser's side of a remembered sign-in: a small component that posts to the cookie
routes (app_web/sign_in.py) and says whether the browser kept its cookie.

The cookie is HttpOnly, so no script here ever sees the token: the page hands over a
single-use ticket, and the route sets the cookie on its answer. The component runs in
the app's own page (no iframe), so its requests carry the app's Origin and cookies.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_ui.session import COOKIE_TASK as TASK
from app_ui.session import REMEMBERED, fragment
from app_web.sign_in import PREFIX

# Each task runs once per page, even when the component is drawn again on a later run.
_JS = """
export default function(component) {
  const { data, setStateValue } = component;
  if (!data || !data.action || !data.id) return;
  const done = (window.__storymakerCookieTasks = window.__storymakerCookieTasks || {});
  if (done[data.id]) return;
  done[data.id] = true;
  const post = (path, body) => fetch(data.prefix + path, {
    method: "POST", credentials: "same-origin", cache: "no-store",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify(body || {}),
  });
  (async () => {
    let remembered = false;
    try {
      if (data.action === "remember") await post("/remember", {ticket: data.ticket});
      else if (data.action === "renew") await post("/renew");
      else if (data.action === "forget") await post("/forget");
      if (data.action !== "remember") return;
      {
        const answer = await fetch(data.prefix + "/check", {credentials: "same-origin", cache: "no-store"});
        remembered = Boolean((await answer.json()).remembered);
      }
    } catch (error) {
      remembered = false;
    }
    setStateValue("done", {id: data.id, remembered: remembered});
  })();
}
"""
_CSS = ":host { display: none; }"

_component = st.components.v2.component("storymaker.remember", js=_JS, css=_CSS)


def run_scheduled() -> None:
    """Draw the component while a task (`session.schedule_cookie`) waits; for 'remember', its
    answer records whether this browser kept the cookie."""
    task: dict[str, Any] | None = st.session_state.get(TASK)
    if task is None:
        return
    _task_fragment()


@fragment()
def _task_fragment() -> None:
    task: dict[str, Any] | None = st.session_state.get(TASK)
    if task is None:
        return
    if task["action"] != "remember":
        # Nothing waits for the answer: 'forget' follows a sign-out already done in the database,
        # and 'renew' only moves the cookie's own expiry on (or drops a dead one).
        _component(data={**task, "prefix": PREFIX}, key=f"cookie_{task['id']}")
        st.session_state.pop(TASK, None)
        return
    result = _component(data={**task, "prefix": PREFIX}, key=f"cookie_{task['id']}", on_done_change=lambda: None)
    answer = result.done if result is not None else None
    if isinstance(answer, dict) and answer.get("id") == task["id"]:
        st.session_state.pop(TASK, None)
        st.session_state[REMEMBERED] = bool(answer.get("remembered"))
        if not answer.get("remembered"):
            st.rerun()  # the whole page, so the sidebar says this sign-in will not be remembered
