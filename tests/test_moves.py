"""Move recognition: the shipped corpus, the model, and the classify command."""

from __future__ import annotations

import json
import random
import sys

import numpy as np
import pytest

from conftest import ROOT, salesim
from simulator import corpus, recognizer
from simulator.moves import BUYER_MOVES, REP_MOVES

sys.path.insert(0, str(ROOT / "bench"))
import moves as move_bench  # noqa: E402


def test_corpus_files_are_clean_and_big_enough() -> None:
    assert corpus.problems("rep") == [] and corpus.problems("buyer") == []
    rep, buyer = corpus.read("rep"), corpus.read("buyer")
    assert len(rep) >= 2000 and len(buyer) >= 500
    for move in REP_MOVES:
        assert sum(move in e.moves for e in rep) >= 60, move
    for move in BUYER_MOVES:
        assert sum(move in e.moves for e in buyer) >= 40, move
    assert sum(len(e.moves) > 1 for e in rep) >= 400


def test_numpy_features_equal_scikit_learns() -> None:
    rec = recognizer.get("rep")
    words, chars = recognizer.sklearn_vectorizers()
    words.vocabulary_ = rec.features.word_vocab
    words.idf_ = rec.features.word_idf
    chars.vocabulary_ = rec.features.char_vocab
    chars.idf_ = rec.features.char_idf
    texts = ["I'm SO sorry, let me get my manager!", "uh   so you're saying the  panel's broken?", "a", "",
             "Ünïcödé ✓ emoji 😀 and\ttabs", "x" * 50]
    from scipy import sparse

    expected = sparse.hstack([words.transform(texts), chars.transform(texts)]).toarray()
    for row, text in zip(expected, texts):
        got = np.zeros(rec.features.size, dtype=np.float32)
        idx, val = rec.features.vector(text)
        got[idx] = val
        assert np.allclose(got, row, atol=1e-5), text


def test_a_text_reads_the_same_alone_and_in_a_batch() -> None:
    """A batch (with empty and unreadable texts among real ones) gives each text its own margins."""
    rec = recognizer.get("rep")
    texts = ["", "I'm so sorry about the invoice.", "   ", "\U0001f600", "Can we book Tuesday?", "x" * 5000,
             "so um you need it before friday right"] * 40
    together = rec.margins(texts)
    alone = np.vstack([rec.margins([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
    assert rec.predict(texts)[1] == rec.predict([texts[1]])[0] and "apology" in rec.predict(texts)[1]


def test_held_out_corpus_and_dev_sample_accuracy() -> None:
    """Trained without a held-out fifth of the corpus, the model reads that fifth well."""
    scores, _ = move_bench.held_out(seed=1)
    assert move_bench.macro(scores) >= 0.80
    dev = move_bench.read_dev()
    if dev:
        pred = recognizer.recognize([t for t, _ in dev])
        assert move_bench.macro(move_bench.per_move_f1([m for _, m in dev], pred)) >= 0.85


@pytest.mark.parametrize("text, want", [
    ("I'm so sorry, let me get my manager", {"apology", "handoff"}),
    ("It works fine on my end.", {"excuse"}),
    ("I'll call you back Thursday at three with the fix.", {"commitment"}),
    ("what made you start looking at this now", {"discovery_question"}),
    ("um so basically the reports stopped after the upgrade is that right", {"paraphrase", "closed_question"}),
])
def test_clear_lines_are_read_right(text: str, want: set[str]) -> None:
    assert recognizer.recognize([text])[0] == want


def test_bad_input_never_raises() -> None:
    rng = random.Random(0)
    nasty = ["", "   ", "\x00\x01\x1b[31m", "😀" * 1000, "日本語の文章です", "a" * 1_000_000,
             "".join(chr(rng.randrange(1, 0x2FFFF)) for _ in range(5000))]
    out = recognizer.recognize(nasty)
    assert out[0] == out[1] == frozenset()
    assert len(out) == len(nasty)


def test_long_input_is_cut_in_linear_time() -> None:
    import time

    t0 = time.perf_counter()
    recognizer.recognize(["please call me back " * 200_000])
    assert time.perf_counter() - t0 < 1.0


def test_classify_jsonl_keeps_order_and_shape() -> None:
    res = salesim("classify", "--jsonl", input="I'm so sorry, let me get my manager\n\nokay\n")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(l) for l in res.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["I'm so sorry, let me get my manager", "", "okay"]
    assert rows[0]["moves"] == ["apology", "handoff"] and rows[1]["moves"] == []


def test_classify_explain_names_the_words() -> None:
    res = salesim("classify", "--explain", "It works fine on my end.")
    assert res.returncode == 0 and "excuse" in res.stdout and "end" in res.stdout
