"""The bundled demo corpus: dialogues written for emoflow, rendered to real mp4 clips with a manifest."""

from emoflow.cli.demo_corpus.render import DemoCorpus, make_demo_corpus
from emoflow.cli.demo_corpus.script import CAST, DIALOGUES

__all__ = ["CAST", "DIALOGUES", "DemoCorpus", "make_demo_corpus"]
