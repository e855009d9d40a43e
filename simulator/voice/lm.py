"""The domain language model for the offline recogniser: a trigram ARPA file we build ourselves.

Rep speech in a sales call uses a small vocabulary over and over ("I'm sorry",
"what would it take", "I'll call you Thursday at ten"). A trigram model counted
from the move corpus and the scenarios' own words tells the decoder which word
sequences to expect, and beats the generic English model on our speech (see
``docs/voice.md`` for the measured word error rates).

The model is interpolated Kneser-Ney (one absolute discount per order, with
continuation counts for the lower orders), written as ARPA with the
interpolation weights as back-off weights. At the unigram level it is mixed
with the generic model's most frequent words, so words the corpus never saw
can still be recognised. Only words with a pronunciation (the dictionary, or a
compound of dictionary words such as "brightmail" = "bright" + "mail") are kept.

:func:`build_arpa` is pure; :func:`domain_files` reads the corpus and scenarios,
and caches the ARPA file and its small dictionary under ``SALESIM_HOME/cache/voice``
keyed by a hash of their text.

>>> arpa = build_arpa([["good", "morning"], ["good", "afternoon"]], vocab=["good", "morning", "afternoon", "hi"])
>>> arpa.splitlines()[1:5]
['ngram 1=6', 'ngram 2=5', 'ngram 3=4', '']
"""

from __future__ import annotations

import hashlib
import math
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from simulator.voice.text import FILLERS, words

#: Bumped when the builder changes, so cached models are rebuilt.
LM_VERSION = "3"
#: How much of the unigram distribution comes from the generic English model.
GENERIC_WEIGHT = 0.08
#: How many of the generic model's most frequent words join the vocabulary.
GENERIC_WORDS = 6000
BOS, EOS = "<s>", "</s>"


def _discount(counts: Iterable[int]) -> float:
    """Absolute discount from the count-of-counts (Ney's estimate), kept in a sane range."""
    cc = Counter(c for c in counts if c <= 2)
    n1, n2 = cc.get(1, 0), cc.get(2, 0)
    d = n1 / (n1 + 2 * n2) if n1 + n2 else 0.5
    return min(0.9, max(0.3, d))


def build_arpa(sentences: Iterable[Sequence[str]], vocab: Iterable[str] = (),
               background: Mapping[str, float] | None = None, background_weight: float | None = None) -> str:
    """An interpolated Kneser-Ney trigram model of ``sentences`` as ARPA text.

    ``vocab`` adds words that may be recognised though the sentences never use
    them; ``background`` (word -> probability) is mixed in at the unigram level
    with ``background_weight``.
    """
    if background_weight is None:
        background_weight = GENERIC_WEIGHT
    tri: Counter[tuple[str, str, str]] = Counter()
    for sent in sentences:
        toks = [BOS, *sent, EOS]
        if len(toks) < 3:
            continue
        tri.update(zip(toks, toks[1:], toks[2:]))
    # bigram counts: continuation counts, except raw counts after <s> (nothing precedes it)
    bi_cont: Counter[tuple[str, str]] = Counter()
    for (u, v, w) in tri:
        bi_cont[(v, w)] += 1
    first: Counter[tuple[str, str]] = Counter()
    for (u, v, w), c in tri.items():
        if u == BOS:
            first[(u, v)] += c
    bi: dict[tuple[str, str], int] = dict(bi_cont)
    for k, c in first.items():
        bi[k] = c
    uni_cont: Counter[str] = Counter()
    for (v, w) in bi:
        uni_cont[w] += 1

    words_all = set(vocab) | set(uni_cont) | {EOS}
    words_all.discard(BOS)
    vocab_list = sorted(words_all)
    n_vocab = len(vocab_list)

    # unigrams: discounted continuation counts, interpolated with uniform, mixed with the background
    d1 = _discount(uni_cont.values())
    total1 = sum(uni_cont.values()) or 1
    seen_types = len(uni_cont)
    p1: dict[str, float] = {}
    bg_total = sum(background.get(w, 0.0) for w in vocab_list) if background else 0.0
    for w in vocab_list:
        p = max(uni_cont.get(w, 0) - d1, 0) / total1 + d1 * seen_types / total1 / n_vocab
        if bg_total > 0:
            p = (1 - background_weight) * p + background_weight * background.get(w, 0.0) / bg_total  # type: ignore[union-attr]
        p1[w] = p

    # bigrams
    d2 = _discount(bi.values())
    hist2: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (v, w), c in bi.items():
        hist2[v].append((w, c))
    p2: dict[tuple[str, str], float] = {}
    bow1: dict[str, float] = {}
    for v, items in hist2.items():
        tot = sum(c for _, c in items)
        gamma = d2 * len(items) / tot
        bow1[v] = gamma
        for w, c in items:
            p2[(v, w)] = max(c - d2, 0) / tot + gamma * p1[w]

    # trigrams: raw counts
    d3 = _discount(tri.values())
    hist3: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for (u, v, w), c in tri.items():
        hist3[(u, v)].append((w, c))
    p3: dict[tuple[str, str, str], float] = {}
    bow2: dict[tuple[str, str], float] = {}
    for (u, v), items in hist3.items():
        tot = sum(c for _, c in items)
        gamma = d3 * len(items) / tot
        bow2[(u, v)] = gamma
        for w, c in items:
            lower = p2.get((v, w))
            if lower is None:
                lower = bow1.get(v, 1.0) * p1[w]
            p3[(u, v, w)] = max(c - d3, 0) / tot + gamma * lower

    def lg(x: float) -> str:
        return f"{math.log10(x):.5f}" if x > 0 else "-99.00000"

    out = ["\\data\\", f"ngram 1={n_vocab + 1}", f"ngram 2={len(p2)}", f"ngram 3={len(p3)}", "", "\\1-grams:"]
    out.append(f"-99.00000\t{BOS}\t{lg(bow1.get(BOS, 1.0))}")
    for w in vocab_list:
        bow = bow1.get(w)
        out.append(f"{lg(p1[w])}\t{w}" + (f"\t{lg(bow)}" if bow is not None and w != EOS else ""))
    out += ["", "\\2-grams:"]
    for (v, w), p in sorted(p2.items()):
        bow = bow2.get((v, w))
        out.append(f"{lg(p)}\t{v} {w}" + (f"\t{lg(bow)}" if bow is not None else ""))
    out += ["", "\\3-grams:"]
    for (u, v, w), p in sorted(p3.items()):
        out.append(f"{lg(p)}\t{u} {v} {w}")
    out += ["", "\\end\\", ""]
    return "\n".join(out)


# -- pronunciations ------------------------------------------------------------
def read_dict(path: Path) -> dict[str, list[str]]:
    """word -> pronunciations (a CMU-style dictionary; ``word(2)`` lines are variants)."""
    out: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2 or parts[0].startswith(";;"):
                continue
            word = parts[0].split("(")[0].lower()
            phones = " ".join(p for p in parts[1:] if not p.startswith("#"))
            out[word].append(phones)
    return out


def compound(word: str, prons: Mapping[str, list[str]], parts: int = 3) -> str | None:
    """A pronunciation for an unknown word made of dictionary words ("brightmail").

    >>> compound("brightmail", {"bright": ["B R AY T"], "mail": ["M EY L"], "b": ["B IY"]})
    'B R AY T M EY L'
    """
    if word in prons:
        return prons[word][0]
    if parts <= 1 or len(word) < 6:
        return None
    for cut in range(len(word) - 3, 2, -1):  # the longest known head first
        head, tail = word[:cut], word[cut:]
        if head in prons and len(tail) >= 3:
            rest = prons[tail][0] if tail in prons else compound(tail, prons, parts - 1)
            if rest:
                return prons[head][0] + " " + rest
    return None


# -- texts: the corpus and the scenarios ----------------------------------------
def scenario_texts(scn) -> list[str]:  # noqa: ANN001 - a simulator.scenario.Scenario
    """Everything a rep might echo from a scenario: examples, buyer lines, names."""
    out: list[str] = []
    for lines in scn.examples.values():
        out += list(lines)
    out += list(scn.opening) + list(scn.callback.opening)
    for r in scn.reactions:
        out += list(r.lines)
    out += [e.line for e in scn.endings]
    p = scn.persona
    out += [x for x in (p.name, p.role, p.company, scn.title, scn.summary, scn.brief, scn.goal) if x]
    first = p.name.split()[0] if p.name else ""
    if first:  # reps use the buyer's name
        out += [f"hi {first}", f"thanks {first}", f"{first} I understand", f"I hear you {first}"]
    return out


def domain_texts(extra_scenarios: Sequence = ()) -> list[str]:
    """The rep corpus, the buyer corpus and every scenario found."""
    from simulator import corpus, library

    texts = [e.text for e in corpus.read("rep")] + [e.text for e in corpus.read("buyer")]
    seen = set()
    for listing in library.available():
        if listing.problems:
            continue
        try:
            scn = library.load_path(listing.path)
        except Exception:  # noqa: BLE001 - a broken user file must not stop the recogniser
            continue
        seen.add(scn.id)
        texts += scenario_texts(scn)
    for scn in extra_scenarios:
        if scn.id not in seen:
            texts += scenario_texts(scn)
    return texts


def generic_unigrams(hmm_dir: Path, lm_path: Path, dict_path: Path, top: int | None = None) -> dict[str, float]:
    """The ``top`` most frequent words of the generic model, with their probabilities."""
    import pocketsphinx as ps

    config = ps.Config(hmm=str(hmm_dir), dict=str(dict_path), logfn=os.devnull)
    logmath = ps.LogMath()
    model = ps.NGramModel(config, logmath, str(lm_path))
    prons = read_dict(dict_path)
    scored = []
    for w in prons:
        if not w.isascii() or not w.replace("'", "").isalpha():
            continue
        lp = model.prob([w])
        if lp > -536870912:
            scored.append((lp, w))
    scored.sort(reverse=True)
    return {w: math.exp(logmath.log_to_ln(lp)) for lp, w in scored[:top or GENERIC_WORDS]}


def domain_files(cache: Path, hmm_dir: Path, generic_lm: Path, generic_dict: Path,
                 texts: Sequence[str] | None = None) -> tuple[Path, Path]:
    """The domain ARPA file and its dictionary, built now unless cached."""
    texts = list(texts) if texts is not None else domain_texts()
    key = hashlib.sha256("\n".join([LM_VERSION, str(GENERIC_WEIGHT), str(GENERIC_WORDS), *texts]).encode()).hexdigest()[:16]
    arpa_path, dict_path = cache / f"domain-{key}.lm", cache / f"domain-{key}.dict"
    if arpa_path.is_file() and dict_path.is_file():
        return arpa_path, dict_path
    prons = read_dict(generic_dict)
    background = generic_unigrams(hmm_dir, generic_lm, generic_dict)
    known: dict[str, str] = {}
    sentences = []
    for t in texts:
        sent = []
        for w in words(t):
            if w not in known:
                pron = compound(w, prons)
                if pron is None:
                    continue
                known[w] = pron
            sent.append(w)
        if sent:
            sentences.append(sent)
    vocab = set(known) | {w for w in background if w in prons} | {w for w in FILLERS if w in prons}
    arpa = build_arpa(sentences, vocab=vocab, background=background)
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("domain-*"):
        if not old.name.endswith(".tmp"):
            old.unlink(missing_ok=True)
    lines = []
    for w in sorted(vocab):
        variants = prons.get(w) or [known[w]]
        for i, pron in enumerate(variants):
            lines.append(f"{w}{'' if i == 0 else f'({i + 1})'} {pron}")
    tmp_d = dict_path.with_name(f"{dict_path.name}.{os.getpid()}.tmp")
    tmp_a = arpa_path.with_name(f"{arpa_path.name}.{os.getpid()}.tmp")
    tmp_d.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp_a.write_text(arpa, encoding="utf-8")
    tmp_d.replace(dict_path)
    tmp_a.replace(arpa_path)
    return arpa_path, dict_path
