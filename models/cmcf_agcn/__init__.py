"""CMCF-AGCN: cross-modal context fusion and an adaptive graph convolutional network, trained multi-task."""
