"""Does a line sound like the seller or the buyer? Used to tell who is the rep in a transcript.

A small linear model over word and character n-grams, trained from the move corpus
(every rep line is a seller example, every buyer line a buyer example) and cached as
plain arrays (no pickles) beside the move models, keyed by the corpus fingerprints.
Reading a speaker's lines with the rep's move model alone is unreliable (a buyer
describing their own business reads like a pitch); this model was trained on both sides.

``seller_margins(texts)`` gives one number per text: above 0 sounds like a seller,
below 0 like a buyer. Any failure (no corpus, no cache directory) gives zeros, so
the caller falls back to the move-based guess.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

VERSION = "1"
_MODEL: tuple | None = None


def _vectorizers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from simulator.recognizer import normalize

    words = TfidfVectorizer(preprocessor=normalize, ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                            token_pattern=r"(?u)\b\w[\w']*\b|[?!]", dtype=np.float32)
    chars = TfidfVectorizer(preprocessor=normalize, analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                            min_df=3, dtype=np.float32)
    return words, chars


def _path() -> Path:
    from simulator import corpus, paths

    key = f"{corpus.fingerprint('rep')}-{corpus.fingerprint('buyer')}"[:40]
    return paths.cache_dir() / f"sides-{key}-v{VERSION}.npz"


def train() -> tuple:
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    from simulator import corpus

    rep = [e.text for e in corpus.read("rep")]
    buyer = [e.text for e in corpus.read("buyer")]
    words, chars = _vectorizers()
    texts = rep + buyer
    x = sparse.hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    y = np.array([1] * len(rep) + [0] * len(buyer))
    lr = LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced", max_iter=300).fit(x, y)
    return words, chars, lr.coef_[0].astype(np.float32), float(lr.intercept_[0])


def _save(path: Path, model: tuple) -> None:
    words, chars, coef, intercept = model
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, word_terms=np.array(sorted(words.vocabulary_, key=words.vocabulary_.get)), word_idf=words.idf_,
             char_terms=np.array(sorted(chars.vocabulary_, key=chars.vocabulary_.get)), char_idf=chars.idf_,
             coef=coef, intercept=np.array([intercept]))
    tmp.replace(path)
    for old in path.parent.glob("sides-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)


def _load(path: Path) -> tuple:
    words, chars = _vectorizers()
    with np.load(path, allow_pickle=False) as z:
        for vec, terms, idf in ((words, z["word_terms"], z["word_idf"]), (chars, z["char_terms"], z["char_idf"])):
            vec.vocabulary_ = {str(t): i for i, t in enumerate(terms.tolist())}
            vec.idf_ = idf
        return words, chars, z["coef"], float(z["intercept"][0])


def model() -> tuple:
    """The side model: from memory, else the cache, else trained now (a second or two)."""
    global _MODEL
    if _MODEL is None:
        path = _path()
        try:
            _MODEL = _load(path)
        except (OSError, ValueError, KeyError):
            _MODEL = train()
            try:
                _save(path, _MODEL)
            except OSError:
                pass
    return _MODEL


def seller_margins(texts: Sequence[str]) -> list[float]:
    """Per text: how much it sounds like the seller (> 0) rather than the buyer (< 0)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    if not texts:
        return []
    try:
        from scipy import sparse

        words, chars, coef, intercept = model()
        x = sparse.hstack([words.transform(texts), chars.transform(texts)]).tocsr()
        return [float(v) for v in (x @ coef + intercept)]
    except Exception:  # noqa: BLE001 - no model means no opinion, never a failure
        return [0.0] * len(texts)
