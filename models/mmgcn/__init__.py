"""MMGCN (Hu et al.): a multimodal utterance graph with a deep spectral GCN."""
