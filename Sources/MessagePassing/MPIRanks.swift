#if MPI
import CMPI
import Foundation
import Training

/// The ranks of an Open MPI job (`mpirun -np N vqcodec train …`), as a `RankGroup`. Collectives only move bytes:
/// the sums that make the model happen in `Trainer`, in shard order, the same on every rank.
public final class MPIRanks: RankGroup {
  public let rank: Int
  public let size: Int

  /// The job this process belongs to, or nil when it was not started by an MPI launcher (then a plain run).
  public static func joinIfLaunched() -> MPIRanks? {
    let environment = ProcessInfo.processInfo.environment
    guard environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMI_SIZE"] != nil else { return nil }
    return MPIRanks()
  }

  private init() {
    guard cmpi_init() == 0 else { fatalError("MPI_Init failed") }
    (rank, size) = (Int(cmpi_rank()), Int(cmpi_size()))
  }

  public func allGather(_ local: [Float], counts: [Int]) -> [Float] {
    precondition(counts.count == size && counts[rank] == local.count, "allGather: counts do not match")
    var displacements = [Int32](repeating: 0, count: size)
    for r in 1..<max(size, 1) { displacements[r] = displacements[r - 1] + Int32(counts[r - 1]) }
    let counts32 = counts.map { Int32($0) }
    var all = [Float](repeating: 0, count: counts.reduce(0, +))
    _ = all.withUnsafeMutableBufferPointer { out in
      local.withUnsafeBufferPointer { mine in
        cmpi_allgatherv_floats(mine.baseAddress, Int32(local.count), out.baseAddress, counts32, displacements)
      }
    }
    return all
  }

  public func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8] {
    var count = Int64(bytes.count)
    _ = cmpi_broadcast_int64(&count, Int32(root))
    var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count))
    var offset = 0
    while offset < buffer.count {  // MPI counts are 32-bit
      let chunk = min(buffer.count - offset, Int(Int32.max))
      _ = buffer.withUnsafeMutableBytes { cmpi_broadcast_bytes($0.baseAddress! + offset, Int32(chunk), Int32(root)) }
      offset += chunk
    }
    return buffer
  }

  /// MPI_Finalize: call once, after the last collective, on every rank.
  public func finish() { cmpi_finalize() }

}
#endif
