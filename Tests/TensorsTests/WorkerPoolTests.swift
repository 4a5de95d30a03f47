import Dispatch
import Glibc
import Synchronization
import Testing

@testable import Tensors

/// The engine's helper threads (`WorkerPool`): every iteration runs exactly once, whatever the iteration and thread
/// counts, including from several callers at once and from inside a region (those run on Dispatch instead).
struct WorkerPoolTests {
  /// How many times each of `iterations` ran, through `concurrentPerform`'s path with `threads` threads. Each
  /// iteration counts into its own slot, as the engine's callers write their own parts of memory.
  func counts(_ iterations: Int, threads: Int) -> [Int] {
    var ran = [Int](repeating: 0, count: iterations)
    ran.withUnsafeMutableBufferPointer { slots in
      let slots = Slots(base: slots.baseAddress)
      if !WorkerPool.shared.run(iterations, threads: threads, { slots.base![$0] += 1 }) {
        DispatchQueue.concurrentPerform(iterations: iterations) { slots.base![$0] += 1 }  // the pool is busy
      }
    }
    return ran
  }

  @Test(arguments: [1, 2, 3, 5])
  func everyIterationRunsOnce(threads: Int) {
    for iterations in [0, 1, 2, 3, 7, 64] {
      #expect(counts(iterations, threads: threads) == [Int](repeating: 1, count: iterations))
    }
  }

  @Test func manyRegionsInARowEachRunWhole() {
    for region in 0..<2000 {
      let result = counts(1 + region % 5, threads: 2)
      #expect(result == [Int](repeating: 1, count: 1 + region % 5))
      if result.contains(where: { $0 != 1 }) { break }
    }
  }

  /// More helpers than cores: regions often close before some helpers join (the caller claims every iteration
  /// first), and a helper that joins late must neither run an iteration twice nor touch a finished region's body.
  @Test func regionsThatCloseBeforeTheirHelpersJoinRunWhole() {
    var pooled = 0
    for region in 0..<2000 {
      let iterations = 1 + region % 9
      var ran = [Int](repeating: 0, count: iterations)
      let onPool = ran.withUnsafeMutableBufferPointer { slots in
        let slots = Slots(base: slots.baseAddress)
        return WorkerPool.shared.run(iterations, threads: 5) { slots.base![$0] += 1 }
      }
      if onPool { pooled += 1 } else { continue }  // another test held the pool: nothing of ours ran
      #expect(ran == [Int](repeating: 1, count: iterations))
      if ran.contains(where: { $0 != 1 }) { break }
    }
    #expect(pooled > 0, "every region found the pool busy, so none exercised it")
  }

  /// Regions after the helpers have gone to sleep (they spin 2 ms, then wait on a condition variable).
  @Test func regionsAfterTheHelpersSleptRunWhole() {
    for _ in 0..<5 {
      usleep(5_000)
      #expect(counts(64, threads: 3) == [Int](repeating: 1, count: 64))
    }
  }

  @Test func callersOnSeveralThreadsAtOnceEachGetTheirOwnIterations() {
    let failures = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 4) { caller in
      for _ in 0..<200 where counts(6 + caller, threads: 2) != [Int](repeating: 1, count: 6 + caller) {
        failures.add(1, ordering: .relaxed)
      }
    }
    #expect(failures.load(ordering: .relaxed) == 0)
  }

  @Test func aRegionInsideARegionRunsWhole() {
    var inner = [[Int]](repeating: [], count: 2)
    let pooled = inner.withUnsafeMutableBufferPointer { results in
      let results = Results(base: results.baseAddress)
      return WorkerPool.shared.run(2, threads: 2) { results.base![$0] = counts(3, threads: 2) }
    }
    if pooled { #expect(inner == [[1, 1, 1], [1, 1, 1]]) }
  }
}

/// Pointers handed to concurrent iterations that each touch their own element.
private struct Slots: @unchecked Sendable { let base: UnsafeMutablePointer<Int>? }
private struct Results: @unchecked Sendable { let base: UnsafeMutablePointer<[Int]>? }
