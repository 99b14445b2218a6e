"""Services: the one API that pages, app helpers, the CLI and later HTTP routes call.

Each function takes the `Engine` (and the acting user's id where the data is someone's),
gets the database itself and returns plain dataclasses, so no caller ever holds a
connection and the data layer can change underneath without touching a screen. Errors
are the `StorymakerError` family (`storymaker.errors`).

`storymaker.studio`, `storymaker.review`, `storymaker.library` and `storymaker.samples`
already work this way (they take an Engine) and stay where they are; the modules here
add what the callers still reached the database for.
"""
