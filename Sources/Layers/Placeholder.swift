// Layers: placeholder until the module lands.
