import Foundation
import Training

/// `size` ranks as threads of one process, for tests of data-parallel training without MPI: every collective is a
/// rendezvous where each rank leaves its bytes and takes everyone's.
final class ThreadRanks: @unchecked Sendable {  // every field is guarded by `condition`
  let size: Int
  private let condition = NSCondition()
  private var deposited: [[UInt8]]
  private var arrived = 0
  private var generation = 0
  private var completed: [[UInt8]] = []

  init(size: Int) {
    self.size = size
    deposited = [[UInt8]](repeating: [], count: size)
  }

  /// Every rank's `bytes`, in rank order, once all ranks have called.
  func exchange(_ bytes: [UInt8], rank: Int) -> [[UInt8]] {
    condition.lock()
    defer { condition.unlock() }
    let myGeneration = generation
    deposited[rank] = bytes
    arrived += 1
    if arrived == size {
      (completed, arrived, generation) = (deposited, 0, generation + 1)
      condition.broadcast()
    } else {
      while generation == myGeneration { condition.wait() }
    }
    return completed
  }

  func rank(_ rank: Int) -> ThreadRank { ThreadRank(rank: rank, ranks: self) }
}

final class ThreadRank: RankGroup {
  let rank: Int
  let ranks: ThreadRanks
  var size: Int { ranks.size }

  init(rank: Int, ranks: ThreadRanks) { (self.rank, self.ranks) = (rank, ranks) }

  func allGather(_ local: [Float], counts: [Int]) -> [Float] {
    precondition(counts[rank] == local.count)
    let all = ranks.exchange(local.withUnsafeBytes { Array($0) }, rank: rank)
    return all.flatMap { bytes in bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
  }

  func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8] { ranks.exchange(bytes, rank: rank)[root] }
}

/// Runs `body(rank)` on `count` threads at once and waits for all (ranks must run concurrently: they meet).
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
  let done = DispatchGroup()
  for rank in 0..<count {
    done.enter()
    let thread = Thread {
      body(rank)
      done.leave()
    }
    thread.stackSize = 8 << 20
    thread.start()
  }
  done.wait()
}
