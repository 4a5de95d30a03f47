import CEngine
import Glibc
import Synchronization

/// The engine's helper threads: long-lived, and between parallel regions they spin for a while before they sleep.
/// A training step runs about 220 parallel regions a few hundred microseconds apart; `DispatchQueue.concurrentPerform`
/// put its worker to sleep between them and woke it with a futex, and the calling thread, done with its half, waited
/// for the late one: 12% of a step's thread time idle (Docs/PERFORMANCE.md).
///
/// Two rules keep a region from waiting on a thread that is not running (Docs/PERFORMANCE.md, "Waiting without
/// yielding"):
/// - An idle helper spins with the CPU's pause hint and never yields: `sched_yield` hands the CPU to any other
///   runnable process, even one at the lowest priority, for a whole time slice, and the next region then waited for
///   that slice to end (with one such process beside it, decoding took 1.6 times as long).
/// - A helper takes part in a region only if it joins before the caller has claimed the last iteration; the caller
///   waits for the helpers that joined, never for one that was asleep or preempted, and runs the rest itself.
/// Which thread runs which iteration never changes a result: iterations write disjoint memory, and the callers'
/// chunk boundaries depend on the thread count only.
///
/// One caller at a time: a region started while another runs (tests on several threads, or a nested call) returns
/// `false` from `run` and the caller uses Dispatch instead.
final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool()

  /// How long an idle helper spins before it sleeps: long enough to span the serial stretches of a training step
  /// (a helper that sleeps through one misses its share of the next region, since the caller does not wait for it
  /// to wake; 0.2 ms trained 3% slower), short enough that a finished command's helpers stop using the core at once.
  private static let spinningNanoseconds: UInt64 = 2_000_000

  /// Held by the thread whose region is running.
  private let busy = Atomic<Bool>(false)
  /// `generation << 16 | helpers`: a new value starts a region for helpers `0..<helpers`.
  private let published = Atomic<Int>(0)
  private let nextIteration = Atomic<Int>(0)
  /// `generation << 17 | closed << 16 | joined`: helpers join the current region by counting themselves in while it
  /// is open; the caller closes it when no iteration is left to claim.
  private let joining = Atomic<Int>(0)
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
      joining.store(generation << 17, ordering: .relaxed)
      published.store(generation << 16 | helpers, ordering: .sequentiallyConsistent)
      if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
        pthread_mutex_lock(lock)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(lock)
      }
      runIterations(body, iterations)
      let joined = joining.bitwiseOr(Self.closed, ordering: .acquiringAndReleasing).oldValue & 0xFFFF
      // The joined helpers are running iterations: their wait is short unless one is preempted, and yielding would
      // give this CPU away for a time slice.
      while checkedIn.load(ordering: .acquiring) < joined { cengine_spin_pause() }
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

  private static let closed = 1 << 16

  private func helperLoop(index: Int, seen generation: Int) -> Never {
    var seen = generation
    while true {
      let word = waitForRegion(after: seen)
      seen = word >> 16
      guard index < word & 0xFFFF, join(generation: seen) else { continue }
      runPublishedIterations()
      checkedIn.add(1, ordering: .releasing)
    }
  }

  /// Counts this helper into region `generation` unless the caller has closed it (or moved on to a later one).
  private func join(generation: Int) -> Bool {
    var state = joining.load(ordering: .acquiring)
    while state >> 17 == generation && state & Self.closed == 0 {
      let (exchanged, found) = joining.compareExchange(
        expected: state, desired: state + 1, ordering: .acquiringAndReleasing)
      if exchanged { return true }
      state = found
    }
    return false
  }

  /// The next published word: spins while waiting (reading the clock every 256 pauses), then sleeps until `run`
  /// wakes it.
  private func waitForRegion(after generation: Int) -> Int {
    let start = monotonicNanoseconds()
    var pauses = 0
    while pauses & 255 != 0 || monotonicNanoseconds() - start < Self.spinningNanoseconds {
      let word = published.load(ordering: .acquiring)
      if word >> 16 != generation { return word }
      cengine_spin_pause()
      pauses &+= 1
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
