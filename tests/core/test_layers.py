"""The data layer is the only code that speaks SQL or imports a database library."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATABASE_LIBRARIES = {"sqlalchemy", "sqlite3", "sqlite_utils", "psycopg", "psycopg2", "alembic"}


def sources() -> list[Path]:
    return [ROOT / "router.py", *sorted((ROOT / "storymaker").rglob("*.py")),
            *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "app_ui").rglob("*.py"))]


def outside_the_data_layer(path: Path) -> bool:
    return not path.is_relative_to(ROOT / "storymaker" / "data")


def test_no_module_outside_the_data_layer_imports_a_database_library():
    found = []
    for path in filter(outside_the_data_layer, sources()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            found += [f"{path.relative_to(ROOT)}: {name}" for name in names
                      if name.split(".")[0] in DATABASE_LIBRARIES]
    assert len(sources()) > 60  # the scan finds the code at all
    assert found == []


def test_no_module_outside_the_data_layer_runs_a_statement():
    found = []
    for path in filter(outside_the_data_layer, sources()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("execute", "exec_driver_sql", "executemany")):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
