"""Journal semantics: successes are final, errors are retried, attempts are counted."""

from __future__ import annotations

from pathlib import Path

from lmms_eval.core.types import Response
from lmms_eval.engine.journal import Journal


def test_success_replaces_error_but_not_the_reverse(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as j:
        j.record("k1", "t", "d1", "m", Response.failure("timeout"))
        assert j.done_keys(["k1"]) == set()
        j.record("k1", "t", "d1", "m", Response(text="B"))
        assert j.done_keys(["k1", "k2"]) == {"k1"}
        j.record("k1", "t", "d1", "m", Response.failure("late failure"))
        response, attempts = j.fetch(["k1"])["k1"]
        assert response.text == "B" and attempts == 2
    with Journal(tmp_path / "j.sqlite") as j:  # durable across reopen
        assert j.done_keys(["k1"]) == {"k1"}
        assert j.db_mode() == "wal"


def test_many_keys(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as j:
        for i in range(2000):
            j.record(f"k{i}", "t", str(i), "m", Response(text=str(i)) if i % 2 else Response.failure("x"))
        keys = [f"k{i}" for i in range(2000)]
        assert len(j.done_keys(keys)) == 1000
        fetched = j.fetch(keys)
        assert len(fetched) == 2000 and fetched["k7"][0].text == "7" and fetched["k8"][0].error == "x"


def test_other_ranks_journals_are_read_and_an_empty_one_is_harmless(tmp_path: Path) -> None:
    with Journal(tmp_path / "journal.rank1.sqlite") as other:
        other.record("k1", "t", "d1", "m", Response(text="A"))
    (tmp_path / "journal.rank2.sqlite").write_bytes(
        b""
    )  # created by a rank that has not set up its tables yet
    with Journal(tmp_path / "journal.sqlite") as main:
        main.add_readers(sorted(tmp_path.glob("journal*.sqlite")))
        main.record("k2", "t", "d2", "m", Response.failure("timeout"))
        assert main.done_keys(["k1", "k2"]) == {"k1"}
        fetched = main.fetch(["k1", "k2"])
        assert fetched["k1"][0].text == "A" and fetched["k2"][0].error == "timeout"
