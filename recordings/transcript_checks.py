"""Guards against Whisper's hallucinations: text it writes where it did not understand the speech.

Whisper trained on subtitles writes fluent, confident text for speech it cannot follow (another language, noise,
music): "Thank you for watching.", one phrase looped. These checks mark such a segment untranscribed rather than
keep invented words, following the thresholds Whisper's own decoder uses to reject a decoding (Radford et al.,
"Robust Speech Recognition via Large-Scale Weak Supervision", 2022, section 4.5 and its ``transcribe()``):

- ``compression_ratio`` above 2.4: the text repeats itself (gzip compresses it too well);
- ``avg_logprob`` below -1.0: the decoder did not believe its own tokens;
- ``no_speech_prob`` above 0.6 with a low ``avg_logprob``: there was no speech;
- an n-gram looped (three times in a row, a single word four times).

The same sentence recurring across segments is not taken as a sign: real speech repeats itself (in acted corpora
such as EmoDB every sentence is spoken in each emotion, and half of a 16-clip EmoDB recording would be lost).
"""

from __future__ import annotations

import re

COMPRESSION_RATIO_MAX = 2.4
AVG_LOGPROB_MIN = -1.0
NO_SPEECH_PROB_MAX = 0.6
LOOPED_NGRAM = {1: 4, 2: 3, 3: 3, 4: 3}
"""n -> how many times in a row an n-gram may not occur."""


def decoding_rejection(avg_logprob: float, compression_ratio: float, no_speech_prob: float) -> str | None:
    """Why Whisper's decoding of a piece is not to be trusted, or None."""
    if compression_ratio > COMPRESSION_RATIO_MAX:
        return f"repetitive text (compression ratio {compression_ratio:.1f} > {COMPRESSION_RATIO_MAX})"
    if no_speech_prob > NO_SPEECH_PROB_MAX and avg_logprob < AVG_LOGPROB_MIN:
        return f"no speech (no-speech probability {no_speech_prob:.2f} > {NO_SPEECH_PROB_MAX})"
    if avg_logprob < AVG_LOGPROB_MIN:
        return f"unsure decoding (average log-probability {avg_logprob:.2f} < {AVG_LOGPROB_MIN})"
    return None


def words_of(text: str) -> list[str]:
    """Lower-case words without punctuation."""
    return re.findall(r"[\w']+", text.lower())


def looped_ngram(text: str) -> str | None:
    """Why ``text`` looks looped ("i am done i am done i am done"), or None."""
    words = words_of(text)
    for n, times in LOOPED_NGRAM.items():
        for start in range(len(words) - n * times + 1):
            gram = words[start : start + n]
            if all(words[start + k * n : start + (k + 1) * n] == gram for k in range(times)):
                return f"looped words ({' '.join(gram)!r} {times} times in a row)"
    return None
