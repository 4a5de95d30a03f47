#pragma once
// glibc's allocator tuning (mallopt), which Swift's Glibc module does not export: the engine keeps freed activation
// buffers mapped between steps (Sources/Tensors/Parallel.swift).
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
