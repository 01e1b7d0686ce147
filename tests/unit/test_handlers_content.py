"""Reply texts: every file loads, fits a WeChat text reply and has no stray placeholder."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxbackend.content import CONTENT_DIR, REQUIRED, ContentError, load_content
from wxbackend.handlers.messages import TEXT_REPLY_MAX_BYTES


def test_every_required_text_loads_within_the_reply_limit() -> None:
    content = load_content(public_base_url="http://127.0.0.1:8000/")
    for name in REQUIRED:
        assert content[name]
        assert len(content[name].encode()) <= TEXT_REPLY_MAX_BYTES
        assert "{" not in content[name]
    assert "http://127.0.0.1:8000/h5/signup" in content["binding"]


def _copy_content(tmp_path: Path) -> Path:
    for path in CONTENT_DIR.iterdir():
        if path.suffix in (".md", ".toml"):
            (tmp_path / path.name).write_text(path.read_text("utf-8"), "utf-8")
    return tmp_path


def test_too_long_text_is_refused(tmp_path: Path) -> None:
    directory = _copy_content(tmp_path)
    (directory / "help.md").write_text("公" * 700, "utf-8")
    with pytest.raises(ContentError, match=r"help\.md: 2100 bytes"):
        load_content(public_base_url="http://x", directory=directory)


def test_unknown_placeholder_and_missing_file_are_refused(tmp_path: Path) -> None:
    directory = _copy_content(tmp_path)
    (directory / "help.md").write_text("拨打 {no_such_value}", "utf-8")
    (directory / "hotline.md").unlink()
    with pytest.raises(ContentError) as excinfo:
        load_content(public_base_url="http://x", directory=directory)
    assert "no_such_value" in str(excinfo.value)
    assert "hotline.md: missing" in str(excinfo.value)
