"""Pure, vectorised physics of one day: arrays in, arrays out; no Mesa, no I/O, no globals."""
