"""Move recognition: which moves an utterance carries, read by a linear model.

One logistic regression per move over word (1-2) and character (2-5) n-grams,
with a per-move threshold tuned by cross-validation. The model is trained from
the corpus files (:mod:`simulator.corpus`) and cached as plain arrays in an
``.npz`` file (no pickles), keyed by a hash of the corpus, so it is rebuilt
whenever the corpus changes and loads in milliseconds afterwards.

>>> rec = Recognizer.train([("so sorry about that", ("apology",)), ("thanks a lot", ("thanks",)),
...                         ("I apologise", ("apology",)), ("thank you", ("thanks",)),
...                         ("okay", ())], moves=("apology", "thanks"), tune=False)
>>> [sorted(m) for m in rec.predict(["sorry about that", "thank you so much", ""])]
[['apology'], ['thanks'], []]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from simulator import corpus, paths
from simulator.moves import BUYER_MOVES, REP_MOVES

#: Bumped whenever features or training change, so old caches are not reused.
MODEL_VERSION = "1"
#: Longer input is cut to this many characters before anything else happens.
MAX_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, straight quotes, no control characters, at most MAX_CHARS.

    >>> normalize("  I\u2019ll CALL\\x00 you  ")
    "i'll call you"
    """
    text = text[:MAX_CHARS]
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip().lower()


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(preprocessor=normalize, ngram_range=(1, 2), sublinear_tf=True,
                            token_pattern=r"(?u)\b\w[\w']*\b|[?!]", min_df=1, dtype=np.float32)
    chars = TfidfVectorizer(preprocessor=normalize, analyzer="char_wb", ngram_range=(2, 5),
                            sublinear_tf=True, min_df=2, dtype=np.float32)
    return words, chars


@dataclass
class Recognizer:
    """A trained move model for one side of the call (rep or buyer)."""

    moves: tuple[str, ...]
    words: TfidfVectorizer
    chars: TfidfVectorizer
    coef: np.ndarray  # (moves, features)
    intercept: np.ndarray  # (moves,)
    thresholds: np.ndarray  # (moves,)

    # -- training ---------------------------------------------------------
    @classmethod
    def train(cls, examples: Sequence[tuple[str, Sequence[str]]], moves: Sequence[str] = REP_MOVES,
              tune: bool = True, c: float = 10.0) -> "Recognizer":
        texts = [t for t, _ in examples]
        y = np.array([[m in labels for m in moves] for _, labels in examples], dtype=np.int8)
        words, chars = _vectorizers()
        x = sparse.hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
        coef, intercept = _fit(x, y, c)
        thresholds = _tune(x, y, c) if tune else np.full(len(moves), 0.5)
        return cls(tuple(moves), words, chars, coef, intercept, thresholds)

    # -- use ----------------------------------------------------------------
    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        z = self.features(texts) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, texts: Sequence[str]) -> list[frozenset[str]]:
        """The set of moves of each text (empty or unreadable text: no moves)."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return []
        hits = self.probabilities(texts) >= self.thresholds
        return [frozenset(m for m, on in zip(self.moves, row) if on) if normalize(t) else frozenset()
                for t, row in zip(texts, hits)]

    def explain(self, text: str, top: int = 4) -> dict[str, list[tuple[str, float]]]:
        """For each move found in ``text``, the n-grams that pushed it most."""
        x = self.features([text])
        names = np.concatenate([self.words.get_feature_names_out(),
                                np.char.add("~", self.chars.get_feature_names_out().astype(str))])
        found = self.predict([text])[0]
        out: dict[str, list[tuple[str, float]]] = {}
        row = x.getrow(0)
        for i, move in enumerate(self.moves):
            if move not in found:
                continue
            contrib = row.data * self.coef[i, row.indices]
            order = np.argsort(-contrib)[:top]
            out[move] = [(str(names[row.indices[j]]), round(float(contrib[j]), 2)) for j in order if contrib[j] > 0]
        return out

    # -- storage: plain arrays only -------------------------------------------
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(
            tmp,
            moves=np.array(self.moves),
            word_terms=np.array(sorted(self.words.vocabulary_, key=self.words.vocabulary_.get)),
            word_idf=self.words.idf_,
            char_terms=np.array(sorted(self.chars.vocabulary_, key=self.chars.vocabulary_.get)),
            char_idf=self.chars.idf_,
            coef=self.coef.astype(np.float32),
            intercept=self.intercept,
            thresholds=self.thresholds,
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Recognizer":
        with np.load(path, allow_pickle=False) as z:
            words, chars = _vectorizers()
            for vec, terms, idf in ((words, z["word_terms"], z["word_idf"]), (chars, z["char_terms"], z["char_idf"])):
                vec.vocabulary_ = {str(t): i for i, t in enumerate(terms.tolist())}
                vec.idf_ = idf
            return cls(tuple(z["moves"].tolist()), words, chars, z["coef"], z["intercept"], z["thresholds"])


def _fit(x: sparse.csr_matrix, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    coef = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    intercept = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():  # a move with no (or only) examples
            intercept[j] = 10.0 if y[0, j] else -10.0
            continue
        lr = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=200)
        lr.fit(x, y[:, j])
        coef[j], intercept[j] = lr.coef_[0], lr.intercept_[0]
    return coef, intercept


def _tune(x: sparse.csr_matrix, y: np.ndarray, c: float, folds: int = 4) -> np.ndarray:
    """Per-move thresholds that maximise F1 on out-of-fold predictions."""
    probs = np.zeros(y.shape, dtype=np.float32)
    for train, test in KFold(folds, shuffle=True, random_state=0).split(x):
        coef, intercept = _fit(x[train], y[train], c)
        probs[test] = 1.0 / (1.0 + np.exp(-(x[test] @ coef.T + intercept)))
    grid = np.linspace(0.2, 0.8, 25)
    best = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        f1s = [_f1(y[:, j], probs[:, j] >= t) for t in grid]
        best[j] = grid[int(np.argmax(f1s))]
    return best


def _f1(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(truth & pred))
    denom = float(np.sum(truth) + np.sum(pred))
    return 2 * tp / denom if denom else 1.0


# -- the cached models ---------------------------------------------------------
_LOADED: dict[str, Recognizer] = {}


def model_path(side: str) -> Path:
    return paths.cache_dir() / f"moves-{side}-{corpus.fingerprint(side)}-v{MODEL_VERSION}.npz"


def build(side: str = "rep") -> Recognizer:
    """Train from the corpus and write the cache (``make model``)."""
    moves = REP_MOVES if side == "rep" else BUYER_MOVES
    rec = Recognizer.train([(e.text, e.moves) for e in corpus.read(side)], moves=moves)
    path = model_path(side)
    for old in path.parent.glob(f"moves-{side}-*.npz"):
        old.unlink(missing_ok=True)
    rec.save(path)
    return rec


def get(side: str = "rep") -> Recognizer:
    """The model for ``side``: from memory, else from the cache, else trained now."""
    if side not in _LOADED:
        path = model_path(side)
        try:
            _LOADED[side] = Recognizer.load(path)
        except (OSError, ValueError, KeyError):
            _LOADED[side] = build(side)
    return _LOADED[side]


def recognize(texts: Iterable[str], side: str = "rep") -> list[frozenset[str]]:
    return get(side).predict(list(texts))
