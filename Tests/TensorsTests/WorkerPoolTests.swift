import Dispatch
import Synchronization
import Testing

@testable import Tensors

/// The engine's helper threads (`WorkerPool`): every iteration runs exactly once, whatever the iteration and thread
/// counts, including from several callers at once and from inside a region (those run on Dispatch instead).
struct WorkerPoolTests {
  /// How many times each of `iterations` ran, through `concurrentPerform`'s path with `threads` threads.
  func counts(_ iterations: Int, threads: Int) -> [Int] {
    let ran = Mutex<[Int]>([Int](repeating: 0, count: iterations))
    let pooled = WorkerPool.shared.run(iterations, threads: threads) { i in ran.withLock { $0[i] += 1 } }
    if !pooled {  // another test holds the pool: what concurrentPerform then does
      DispatchQueue.concurrentPerform(iterations: iterations) { i in ran.withLock { $0[i] += 1 } }
    }
    return ran.withLock { $0 }
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
    let inner = Mutex<[[Int]]>([])
    let outer = counts(2, threads: 2)  // may itself be on Dispatch if another test holds the pool
    let pooled = WorkerPool.shared.run(2, threads: 2) { _ in
      let result = counts(3, threads: 2)
      inner.withLock { $0.append(result) }
    }
    if pooled { #expect(inner.withLock { $0 } == [[1, 1, 1], [1, 1, 1]]) }
    #expect(outer == [1, 1])
  }
}
