// Tensors: placeholder until the module lands.
