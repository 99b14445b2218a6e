"""One Jinja environment over the templates shipped in the package (`storymaker/templates/`).

Sandboxed, with StrictUndefined so a template that names a missing variable fails
loudly. User text (titles, names, premises, edited scenes) only ever enters as a
variable value: it is never compiled as a template, so `{{ 7*7 }}` in a title
stays `{{ 7*7 }}` in the prompt.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

# Beside this module, so an installed wheel (package data) renders the same templates as a checkout.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=None)
def environment(directory: Path = TEMPLATES_DIR) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(directory)),
        undefined=StrictUndefined,
        autoescape=False,  # prompts are plain text, not HTML
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, /, **variables: Any) -> str:
    """Render `templates/<template>` with `variables`; raises jinja2.UndefinedError when one is missing."""
    return render_from(TEMPLATES_DIR, template, **variables)


def render_from(directory: Path, template: str, /, **variables: Any) -> str:
    return environment(directory).get_template(template).render(**variables).strip()


def template_names(directory: Path = TEMPLATES_DIR) -> list[str]:
    return sorted(p.name for p in directory.glob("*.md"))
