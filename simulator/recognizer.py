"""Move recognition: which moves an utterance carries, read by a linear model.

Training uses scikit-learn: TF-IDF over word (1-2) and character (2-4, within
words) n-grams, one linear support-vector classifier per move, and a threshold
per move on its margin tuned by cross-validation. The trained model is cached
as plain arrays in an ``.npz`` file (no pickles), keyed by a hash of the corpus.

Using the model needs only numpy: :class:`Features` computes exactly the
vectors scikit-learn's vectorizers would (a test checks this), so ``classify``
starts without importing scikit-learn and reads one utterance in well under a
millisecond.

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

from simulator import corpus, paths
from simulator.moves import BUYER_MOVES, REP_MOVES

#: Bumped whenever features or training change, so old caches are not reused.
MODEL_VERSION = "6"
#: Longer input is cut to this many characters before anything else happens.
MAX_CHARS = 2000
#: A sentence of a longer turn counts on its own when its margin clears the threshold by this much.
SENTENCE_MARGIN = 0.1
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)")
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 4)
TOKEN_PATTERN = r"(?u)\b\w[\w']*\b|[?!]"
_TOKEN = re.compile(TOKEN_PATTERN)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_QUOTES = str.maketrans({"!": ".", "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, straight quotes, no control characters, at most MAX_CHARS.

    "!" reads as "." (an exclamation mark says how, not what: no move hangs on it).

    >>> normalize("  I\u2019ll CALL\\x00 you  ")
    "i'll call you"
    """
    text = text[:MAX_CHARS]
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip().lower()


def bounded(text: str) -> str:
    """Normalised text with start and end markers, so "do you ..." at the start counts."""
    return _marked(normalize(text))


def _marked(norm: str) -> str:
    return f"xxbos {norm} xxeos"


_FILLERS = ("um", "uh", "you know", "like", "so", "i mean", "yeah")
_PUNCT = re.compile(r"[^\w\s']")


def spoken_style(text: str, rng) -> str:  # noqa: ANN001
    """``text`` as a speech recogniser would print it: lower case, no punctuation, maybe a filler.

    >>> import random
    >>> spoken_style("Sorry, is that right?", random.Random(1))
    'you know sorry is that right'
    """
    words = _PUNCT.sub(" ", text.lower()).split()
    if words and rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(_FILLERS))
    return " ".join(words)


def augmented(examples: Sequence[tuple[str, Sequence[str]]], share: float = 0.5, seed: int = 0) -> list[tuple[str, Sequence[str]]]:
    """The examples plus a spoken-style copy of a seeded ``share`` of them (robustness to speech)."""
    import random

    rng = random.Random(seed)
    extra = [(spoken_style(t, rng), m) for t, m in examples if rng.random() < share]
    return list(examples) + [(t, m) for t, m in extra if t]


def _word_grams(norm: str) -> list[str]:
    """Word 1-2-grams of normalised text, with the start and end markers."""
    tokens = _TOKEN.findall(_marked(norm))
    out = list(tokens)
    for n in range(2, WORD_NGRAMS[1] + 1):
        out += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return out


def _word_chars(word: str) -> list[str]:
    """The character n-grams of one word, padded with a space each side, as scikit-learn's ``char_wb``.

    >>> _word_chars("hi")
    [' h', 'hi', 'i ', ' hi', 'hi ', ' hi ']
    """
    padded = f" {word} "
    lo, hi = CHAR_NGRAMS
    return [padded[i:i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1)]


@dataclass
class Features:
    """TF-IDF vectors (sublinear tf, L2 per block) from a fixed vocabulary, numpy only.

    A word's character n-grams are looked up once and remembered (words repeat far
    more than they vary), and a batch of texts is weighted in a few array operations.
    """

    word_vocab: dict[str, int]
    word_idf: np.ndarray
    char_vocab: dict[str, int]
    char_idf: np.ndarray

    def __post_init__(self) -> None:
        self._chars_of: dict[str, list[int]] = {}

    @property
    def size(self) -> int:
        return len(self.word_vocab) + len(self.char_vocab)

    def _char_ids(self, word: str) -> list[int]:
        ids = self._chars_of.get(word)
        if ids is None:
            get = self.char_vocab.get
            ids = [i for i in map(get, _word_chars(word)) if i is not None]
            if len(self._chars_of) > 200_000:  # bounded: a stream of nonsense words cannot grow it forever
                self._chars_of.clear()
            self._chars_of[word] = ids
        return ids

    def batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse rows of ``texts`` as (row, index, value), sorted by row then index."""
        get = self.word_vocab.get
        word_rows, word_ids, char_rows, char_ids = [], [], [], []
        for k, text in enumerate(texts):
            norm = normalize(text)
            ids = [i for i in map(get, _word_grams(norm)) if i is not None]
            word_ids += ids
            word_rows += [k] * len(ids)
            for w in norm.split():
                ids = self._char_ids(w)
                char_ids += ids
                char_rows += [k] * len(ids)
        parts = [_weigh(word_rows, word_ids, self.word_idf, len(self.word_vocab), 0),
                 _weigh(char_rows, char_ids, self.char_idf, len(self.char_vocab), len(self.word_vocab))]
        rows, idx, val = (np.concatenate(p) for p in zip(*parts))
        order = np.argsort(rows, kind="stable")
        return rows[order], idx[order], val[order]

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse vector of ``text`` as (indices, values)."""
        _, idx, val = self.batch([text])
        return idx, val

    def terms(self) -> list[str]:
        words = sorted(self.word_vocab, key=self.word_vocab.get)
        chars = sorted(self.char_vocab, key=self.char_vocab.get)
        return words + [f"~{c}~" for c in chars]


def _weigh(rows: list[int], ids: list[int], idf: np.ndarray, width: int, offset: int):
    """Sublinear tf-idf, L2-normalised per row, of (row, id) occurrences."""
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    keys, tf = np.unique(np.asarray(rows, np.int64) * width + np.asarray(ids, np.int64), return_counts=True)
    r, i = np.divmod(keys, width)
    val = (1.0 + np.log(tf)) * idf[i]
    norms = np.sqrt(np.bincount(r, weights=val * val))
    val /= norms[r]
    return r, i + offset, val.astype(np.float32)


@dataclass
class Recognizer:
    """A trained move model for one side of the call (rep or buyer)."""

    moves: tuple[str, ...]
    features: Features
    coef: np.ndarray  # (moves, features), float32
    intercept: np.ndarray  # (moves,)
    thresholds: np.ndarray  # (moves,) on the margin

    def __post_init__(self) -> None:
        # the same weights laid out feature by feature: reading rows is what prediction does
        self.by_feature = np.ascontiguousarray(self.coef.T)

    # -- training (scikit-learn) -------------------------------------------
    @classmethod
    def train(cls, examples: Sequence[tuple[str, Sequence[str]]], moves: Sequence[str] = REP_MOVES,
              tune: bool = True, c: float = 0.5) -> "Recognizer":
        texts = [t for t, _ in examples]
        y = np.array([[m in labels for m in moves] for _, labels in examples], dtype=np.int8)
        x, feats = _fit_features(texts)
        coef, intercept = _fit(x, y, c)
        thresholds = _tune(x, y, c) if tune else np.zeros(len(moves))
        return cls(tuple(moves), feats, coef, intercept, thresholds)

    # -- use (numpy only) ---------------------------------------------------
    def margins(self, texts: Sequence[str], chunk: int = 256) -> np.ndarray:
        """Each move's signed distance from its decision boundary, per text (vectorised in chunks)."""
        out = np.tile(self.intercept.astype(np.float32), (len(texts), 1))
        for start in range(0, len(texts), chunk):
            rows, idx, val = self.features.batch(texts[start:start + chunk])
            if not rows.size:
                continue
            contrib = self.by_feature[idx] * val[:, None]  # (non-zeros, moves)
            first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            out[start + rows[first]] += np.add.reduceat(contrib, first, axis=0)
        return out

    def predict(self, texts: Sequence[str]) -> list[frozenset[str]]:
        """The set of moves of each text (empty or unreadable text: no moves).

        A turn of several sentences is read whole and sentence by sentence: a
        move one sentence carries clearly is not drowned by the rest of the turn.
        """
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return []
        hits = self.margins(texts) >= self.thresholds
        # sentences of longer turns, all texts in one pass
        owners, sentences = [], []
        for k, t in enumerate(texts):
            parts = [p for p in _SENTENCE_END.split(t[:MAX_CHARS]) if len(p.split()) >= 2]
            if len(parts) > 1:
                owners += [k] * len(parts)
                sentences += parts
        if sentences:
            strong = self.margins(sentences) >= self.thresholds + SENTENCE_MARGIN
            for k, row in zip(owners, strong):
                hits[k] |= row
        return [frozenset(m for m, on in zip(self.moves, row) if on) if normalize(t) else frozenset()
                for t, row in zip(texts, hits)]

    def explain(self, text: str, top: int = 4) -> dict[str, list[tuple[str, float]]]:
        """For each move found in ``text``, the n-grams that pushed it most (``~x~`` marks characters)."""
        idx, val = self.features.vector(text)
        names = self.features.terms()
        found = self.predict([text])[0]
        out: dict[str, list[tuple[str, float]]] = {}
        for i, move in enumerate(self.moves):
            if move in found:
                contrib = self.coef[i, idx] * val
                order = np.argsort(-contrib)[:top]
                out[move] = [(names[idx[j]], round(float(contrib[j]), 2)) for j in order if contrib[j] > 0]
        return out

    # -- storage: plain arrays only -------------------------------------------
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        f = self.features
        np.savez(
            tmp,
            moves=np.array(self.moves),
            word_terms=np.array(sorted(f.word_vocab, key=f.word_vocab.get)),
            word_idf=f.word_idf,
            char_terms=np.array(sorted(f.char_vocab, key=f.char_vocab.get)),
            char_idf=f.char_idf,
            coef=self.coef.astype(np.float32),
            intercept=self.intercept,
            thresholds=self.thresholds,
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Recognizer":
        with np.load(path, allow_pickle=False) as z:
            feats = Features(
                word_vocab={t: i for i, t in enumerate(z["word_terms"].tolist())},
                word_idf=z["word_idf"],
                char_vocab={t: i for i, t in enumerate(z["char_terms"].tolist())},
                char_idf=z["char_idf"],
            )
            return cls(tuple(z["moves"].tolist()), feats, np.ascontiguousarray(z["coef"]), z["intercept"], z["thresholds"])


def sklearn_vectorizers():
    """The scikit-learn vectorizers that :class:`Features` reproduces."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(preprocessor=bounded, ngram_range=WORD_NGRAMS, sublinear_tf=True,
                            token_pattern=TOKEN_PATTERN, min_df=1, dtype=np.float32)
    chars = TfidfVectorizer(preprocessor=normalize, analyzer="char_wb", ngram_range=CHAR_NGRAMS,
                            sublinear_tf=True, min_df=2, dtype=np.float32)
    return words, chars


def _fit_features(texts: Sequence[str]):
    from scipy import sparse

    words, chars = sklearn_vectorizers()
    x = sparse.hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    feats = Features({t: int(i) for t, i in words.vocabulary_.items()}, words.idf_.astype(np.float32),
                     {t: int(i) for t, i in chars.vocabulary_.items()}, chars.idf_.astype(np.float32))
    return x, feats


def _fit(x, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.svm import LinearSVC

    coef = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    intercept = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():  # a move with no (or only) examples
            intercept[j] = 10.0 if y[0, j] else -10.0
            continue
        svm = LinearSVC(C=c, max_iter=5000)
        svm.fit(x, y[:, j])
        coef[j], intercept[j] = svm.coef_[0], svm.intercept_[0]
    return coef, intercept


def _tune(x, y: np.ndarray, c: float, folds: int = 4) -> np.ndarray:
    """Per-move thresholds that maximise F1 on out-of-fold margins."""
    from sklearn.model_selection import KFold

    margins = np.zeros(y.shape, dtype=np.float32)
    for train, test in KFold(folds, shuffle=True, random_state=0).split(x):
        coef, intercept = _fit(x[train], y[train], c)
        margins[test] = np.asarray(x[test] @ coef.T) + intercept
    grid = np.linspace(-0.8, 0.8, 33)
    best = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        f1s = [_f1(y[:, j].astype(bool), margins[:, j] >= t) for t in grid]
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
    """Train from the corpus and write the cache (``salesim model``)."""
    moves = REP_MOVES if side == "rep" else BUYER_MOVES
    rec = Recognizer.train(augmented([(e.text, e.moves) for e in corpus.read(side)]), moves=moves)
    path = model_path(side)
    if path.parent.is_dir():
        for old in path.parent.glob(f"moves-{side}-*.npz"):
            old.unlink(missing_ok=True)
    try:
        rec.save(path)
    except OSError:
        pass  # an unwritable cache costs start-up time, not correctness
    _LOADED[side] = rec
    return rec


def get(side: str = "rep") -> Recognizer:
    """The model for ``side``: from memory, else from the cache, else trained now."""
    if side not in _LOADED:
        try:
            _LOADED[side] = Recognizer.load(model_path(side))
        except (OSError, ValueError, KeyError):
            build(side)
    return _LOADED[side]


def recognize(texts: Iterable[str], side: str = "rep") -> list[frozenset[str]]:
    return get(side).predict(list(texts))
