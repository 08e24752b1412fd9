"""Table models for the inspectors: plain dataclasses in, Qt's model/view protocol out."""
