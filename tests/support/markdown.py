"""The runnable code blocks of a Markdown document, so that tests run the examples the docs show.

A block is runnable when the line right before its opening fence is ``<!-- run: NAME -->``; NAME is how
a test asks for it (and says what to give it). Blocks without the marker are shown, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Block", "runnable_blocks"]

_MARKER = re.compile(r"<!-- run: ([a-z0-9-]+) -->")
_MARKED_BLOCK = re.compile(r"^<!-- run: ([a-z0-9-]+) -->\n```([a-z]+)\n(.*?)^```$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    name: str
    language: str
    code: str
    line: int  # of the opening fence, 1-based

    def compiled(self, path: Path) -> object:
        """The block compiled as Python, its tracebacks pointing into the document."""
        return compile("\n" * (self.line) + self.code, str(path), "exec")


def runnable_blocks(path: Path) -> dict[str, Block]:
    """The marked blocks of ``path`` by name, in document order. Raises AssertionError when a marker is
    not right before a fence or a name is used twice, so a broken marker cannot drop an example."""
    text = path.read_text()
    blocks: dict[str, Block] = {}
    for found in _MARKED_BLOCK.finditer(text):
        name, language, code = found.groups()
        assert name not in blocks, f"{path}: two blocks are named {name}"
        line = text.count("\n", 0, found.start()) + 2
        blocks[name] = Block(name=name, language=language, code=code, line=line)
    markers = _MARKER.findall(text)
    assert len(markers) == len(blocks), f"{path}: a run marker is not right before a code fence: {markers}"
    return blocks
