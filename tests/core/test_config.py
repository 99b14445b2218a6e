import pytest

from storymaker.config import DEFAULT_IMAGE_MODEL, ConfigError, Settings, load_settings, read_secrets


def test_no_key_means_offline():
    assert load_settings(env={}, secrets={}).provider == "offline"


def test_a_key_selects_openai_and_never_shows_in_repr():
    settings = load_settings(env={"OPENAI_API_KEY": "sk-secret-123"}, secrets={})
    assert settings.provider == "openai"
    assert "sk-secret-123" not in repr(settings) and "sk-secret-123" not in settings.describe()


def test_provider_can_be_forced_offline_even_with_a_key():
    settings = load_settings(env={"OPENAI_API_KEY": "k", "STORYMAKER_PROVIDER": "Offline"}, secrets={})
    assert settings.provider == "offline"


def test_secrets_file_is_read_and_environment_wins(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('OPENAI_API_KEY = "from-file"\nSTORYMAKER_IMAGE_MODEL = "img-x"\n[auth]\nx = 1\n')
    values = read_secrets(secrets)
    assert values == {"OPENAI_API_KEY": "from-file", "STORYMAKER_IMAGE_MODEL": "img-x"}
    settings = load_settings(env={"STORYMAKER_IMAGE_MODEL": "img-env"}, secrets=values)
    assert (settings.provider, settings.api_key, settings.image_model) == ("openai", "from-file", "img-env")


def test_a_local_server_needs_no_key():
    settings = load_settings(env={"STORYMAKER_PROVIDER": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, secrets={})
    assert settings.provider == "openai" and settings.api_key


@pytest.mark.parametrize("env, words", [
    ({"STORYMAKER_PROVIDER": "magic"}, "STORYMAKER_PROVIDER"),
    ({"STORYMAKER_PROVIDER": "openai"}, "OPENAI_API_KEY"),
    ({"STORYMAKER_CONCURRENCY": "lots"}, "STORYMAKER_CONCURRENCY"),
    ({"STORYMAKER_CONCURRENCY": "0"}, "at least 1"),
])
def test_bad_settings_name_the_setting(env, words):
    with pytest.raises(ConfigError, match=words):
        load_settings(env=env, secrets={})


def test_defaults_are_current_models():
    assert DEFAULT_IMAGE_MODEL not in {"gpt-image-1", "dall-e-2", "dall-e-3"}
    assert Settings().data_dir.name == "data"


def test_the_secrets_example_names_every_setting():
    from pathlib import Path
    from storymaker.config import _SOURCES

    example = (Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml.example").read_text()
    for _, secret_name, _ in _SOURCES.values():
        assert f"# {secret_name} = " in example


def test_credentials_in_the_base_url_are_never_shown():
    url = "https://robot:hunter2-secret@llm.example.com:8443/v1?api-key=k3y-in-query"
    settings = load_settings(env={"STORYMAKER_PROVIDER": "openai", "OPENAI_BASE_URL": url}, secrets={})
    assert settings.base_url == url  # the SDK still gets the whole URL
    for shown in (settings.describe(), repr(settings), settings.server):
        assert "hunter2" not in shown and "robot" not in shown and "k3y" not in shown
    assert "at llm.example.com:8443:" in settings.describe() and settings.server == "llm.example.com:8443"
    # Two servers stay two cache keys (the app keys its engine by the repr).
    other = load_settings(env={"STORYMAKER_PROVIDER": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, secrets={})
    assert repr(other) != repr(settings) and "127.0.0.1:11434/v1" in repr(other)
