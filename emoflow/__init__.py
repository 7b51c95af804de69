"""emoflow: multimodal emotion recognition in conversation, from recordings to an emotion per utterance."""

__version__ = "0.2.0"
