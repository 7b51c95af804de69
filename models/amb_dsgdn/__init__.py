"""AMB-DSGDN (Wang et al.): differential graph attention over speaker subgraphs, adaptive modality dropout."""
