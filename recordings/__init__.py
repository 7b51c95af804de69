"""Long recordings into utterances: voice activity, speech recognition and speakers, offline (``docs/recordings.md``).

One media file is one conversation. Sidecar files (a timed transcript, a speaker segmentation) are used where they
exist; what is missing is made here: Silero VAD finds the speech, Whisper (CTranslate2) writes the words, GE2E
speaker embeddings clustered by agglomeration name the speakers. The result is utterance rows (the recording with
segment times) that every later stage reads unchanged, plus a ``transcripts`` table of words and languages.
"""
