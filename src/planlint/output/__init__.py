"""What a run says: the report, every output format, and the renderings of
explanations and reviews."""
