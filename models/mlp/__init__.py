"""The context-free floor: each utterance classified from its own features alone."""
