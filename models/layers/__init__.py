"""Layers shared by several models: sequence encoders, dialogue attention, relational convolution, edges."""
