import Glibc
import Synchronization

/// The engine's helper threads: long-lived, and between parallel regions they wait by yielding the core for a
/// while before they sleep. A training step runs about 220 parallel regions a few hundred microseconds apart;
/// `DispatchQueue.concurrentPerform` put its worker to sleep between them and woke it with a futex, and the calling
/// thread, done with its half, waited for the late one: 12% of a step's thread time idle (Docs/PERFORMANCE.md).
/// Which thread runs which iteration never changes a result: iterations write disjoint memory, and the callers'
/// chunk boundaries depend on the thread count only.
///
/// One caller at a time: a region started while another runs (tests on several threads, or a nested call) returns
/// `false` from `run` and the caller uses Dispatch instead.
final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool()

  /// How long an idle helper keeps yielding before it sleeps: long enough to span the serial stretches of a step,
  /// short enough that a finished command's helpers stop using the core at once.
  private static let yieldingNanoseconds: UInt64 = 2_000_000

  /// Held by the thread whose region is running.
  private let busy = Atomic<Bool>(false)
  /// `generation << 16 | helpers`: a new value starts a region for helpers `0..<helpers`.
  private let published = Atomic<Int>(0)
  private let nextIteration = Atomic<Int>(0)
  private let checkedIn = Atomic<Int>(0)
  private let sleepers = Atomic<Int>(0)
  /// Written by the owner before it publishes a region, read by helpers after they see it (acquire/release on
  /// `published`), and not written again until every helper of the region has checked in.
  private var body: ((Int) -> Void)?
  private var iterations = 0
  private var helperCount = 0  // the owner's only
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  private init() {
    pthread_mutex_init(lock, nil)
    pthread_cond_init(wake, nil)
  }

  /// Runs `body(0)` … `body(iterations − 1)` on the calling thread and `threads − 1` helpers; `false` (nothing run)
  /// when another region holds the pool.
  func run(_ iterations: Int, threads: Int, _ body: (Int) -> Void) -> Bool {
    let helpers = min(threads, iterations) - 1
    if helpers <= 0 {
      for i in 0..<max(0, iterations) { body(i) }
      return true
    }
    guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
    defer { busy.store(false, ordering: .releasing) }
    startHelpers(upTo: helpers)
    withoutActuallyEscaping(body) { body in
      self.body = body
      self.iterations = iterations
      nextIteration.store(0, ordering: .relaxed)
      checkedIn.store(0, ordering: .relaxed)
      let generation = (published.load(ordering: .relaxed) >> 16) + 1
      published.store(generation << 16 | helpers, ordering: .sequentiallyConsistent)
      if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
        pthread_mutex_lock(lock)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(lock)
      }
      runIterations(body, iterations)
      while checkedIn.load(ordering: .acquiring) < helpers { sched_yield() }
      self.body = nil
    }
    return true
  }

  private func runIterations(_ body: (Int) -> Void, _ iterations: Int) {
    while true {
      let i = nextIteration.wrappingAdd(1, ordering: .relaxed).oldValue
      if i >= iterations { return }
      body(i)
    }
  }

  /// Not inlined: the helper's copy of the body is released when this returns, before it checks in, so the
  /// owner's `withoutActuallyEscaping` finds the closure no longer referenced.
  @inline(never) private func runPublishedIterations() {
    guard let body else { return }
    runIterations(body, iterations)
  }

  private func startHelpers(upTo count: Int) {
    while helperCount < count {
      let index = helperCount
      helperCount += 1
      // The generation before the region about to be published: the helper must take part in that one.
      let seen = published.load(ordering: .relaxed) >> 16
      let context = Unmanaged.passRetained(HelperContext(pool: self, index: index, seen: seen)).toOpaque()
      var thread = pthread_t()
      let started = pthread_create(
        &thread, nil,
        { context in
          let helper = Unmanaged<HelperContext>.fromOpaque(context!).takeRetainedValue()
          helper.pool.helperLoop(index: helper.index, seen: helper.seen)  // never returns
        }, context)
      precondition(started == 0, "could not start a compute thread")
      pthread_detach(thread)
    }
  }

  private func helperLoop(index: Int, seen generation: Int) -> Never {
    var seen = generation
    while true {
      let word = waitForRegion(after: seen)
      seen = word >> 16
      guard index < word & 0xFFFF else { continue }
      runPublishedIterations()
      checkedIn.add(1, ordering: .releasing)
    }
  }

  /// The next published word: yields the core while waiting, then sleeps until `run` wakes it.
  private func waitForRegion(after generation: Int) -> Int {
    let start = monotonicNanoseconds()
    while monotonicNanoseconds() - start < Self.yieldingNanoseconds {
      let word = published.load(ordering: .acquiring)
      if word >> 16 != generation { return word }
      sched_yield()
    }
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    sleepers.add(1, ordering: .sequentiallyConsistent)
    defer { sleepers.subtract(1, ordering: .sequentiallyConsistent) }
    while true {
      let word = published.load(ordering: .sequentiallyConsistent)
      if word >> 16 != generation { return word }
      pthread_cond_wait(wake, lock)
    }
  }
}

private final class HelperContext {
  let pool: WorkerPool
  let index, seen: Int
  init(pool: WorkerPool, index: Int, seen: Int) { (self.pool, self.index, self.seen) = (pool, index, seen) }
}

private func monotonicNanoseconds() -> UInt64 {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
