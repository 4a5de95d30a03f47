// Quantizers: placeholder until the module lands.
