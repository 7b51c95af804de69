"""The bundled demo corpus: dialogues written for emoflow, rendered to real mp4 clips with a manifest."""

from emoflow.cli.demo_corpus.render import DemoCorpus, make_demo_corpus, make_new_recordings
from emoflow.cli.demo_corpus.script import CAST, DIALOGUES, NEW_CONVERSATION

__all__ = ["CAST", "DIALOGUES", "NEW_CONVERSATION", "DemoCorpus", "make_demo_corpus", "make_new_recordings"]
