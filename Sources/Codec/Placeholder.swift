// Codec: placeholder until the module lands.
