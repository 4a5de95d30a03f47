#pragma once
// The CPU's spin-wait hint, for the engine's worker pool (Sources/Tensors/WorkerPool.swift): a thread waiting for a
// few microseconds tells the core it is busy-waiting, and keeps its CPU; sched_yield would hand the CPU to any other
// runnable process for a whole time slice (measured: Docs/PERFORMANCE.md, "Waiting without yielding").
static inline void cengine_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}
