// Bitstream: placeholder until the module lands.
