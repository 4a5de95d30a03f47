import CEngine
import Dispatch
import Synchronization

/// How many cores the engine uses: GEMM blocks and `parallelFor` chunks. Only one level runs at a time (never a
/// parallel loop around a threaded GEMM).
public enum ComputeThreads {
  /// Atomic because tests change it while other tests run; results never depend on it (see `parallelFor`).
  private static let storage = Atomic<Int>(1)

  public static var count: Int { storage.load(ordering: .relaxed) }

  /// Sets the thread count for GEMM and for the engine's own loops; call once at startup.
  public static func set(_ n: Int) {
    precondition(n >= 1, "thread count must be positive")
    storage.store(n, ordering: .relaxed)
    keepFreedMemoryMapped()
  }

  /// Activations are tens of megabytes, allocated and freed every step. glibc would return such blocks to the
  /// kernel (mmap/munmap) and fault fresh zeroed pages back in on the next step; measured at ~10% of a training
  /// step. Raising the thresholds keeps freed blocks in the heap for reuse.
  private static func keepFreedMemoryMapped() {
    #if canImport(Glibc)
    mallopt(M_MMAP_THRESHOLD, 1 << 30)
    mallopt(M_TRIM_THRESHOLD, Int32.max)
    #endif
  }
}

/// Runs `body(chunkStart, chunkEnd)` over `0..<count` split into contiguous chunks, one per thread, when the work is
/// large enough to pay for the dispatch; chunk boundaries depend only on `count` and the thread count, so results
/// are deterministic.
@inline(__always)
func parallelFor(_ count: Int, minimumPerChunk: Int = 1, _ body: (Int, Int) -> Void) {
  let threads = min(ComputeThreads.count, max(1, count / max(1, minimumPerChunk)))
  if threads <= 1 {
    body(0, count)
    return
  }
  concurrentPerform(threads) { t in body(count * t / threads, count * (t + 1) / threads) }
}

/// `body(0)` … `body(iterations − 1)` on all threads at once (the engine's `WorkerPool`, or
/// `DispatchQueue.concurrentPerform` while the pool runs another region), returning when all are done. `body` need
/// not be `Sendable`: the engine's callers capture raw pointers, and what makes the concurrent calls safe is that each
/// iteration writes its own part of memory that outlives this call. The box carries that promise past the compiler,
/// here only.
public func concurrentPerform(_ iterations: Int, _ body: (Int) -> Void) {
  if WorkerPool.shared.run(iterations, threads: ComputeThreads.count, body) { return }
  withoutActuallyEscaping(body) { body in
    let shared = DisjointWork(run: body)
    DispatchQueue.concurrentPerform(iterations: iterations) { shared.run($0) }
  }
}

private struct DisjointWork: @unchecked Sendable {
  let run: (Int) -> Void
}

/// Elements per chunk below which an elementwise pass is not worth another thread (about 64 KiB of floats).
let elementwiseChunk = 1 << 14
