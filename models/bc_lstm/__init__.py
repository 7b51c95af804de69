"""BC-LSTM: the bidirectional contextual LSTM, the sequential floor."""
