"""DialogueGCN (Ghosal et al.): a speaker-relational graph over a window of the dialogue."""
