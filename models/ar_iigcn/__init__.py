"""AR-IIGCN: tri-modal GAN alignment, speaker graphs per modality, inter-class and inter-modal contrastive losses."""
