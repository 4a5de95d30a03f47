import Serialization
import Tensors

/// The processes one training run is spread over: this process alone, or the ranks of an MPI job
/// (`MessagePassing.MPIRanks`). Every rank calls every collective, in the same order; a collective moves values and
/// never adds them, so what a run computes cannot depend on how many ranks there are or how a library sums.
public protocol RankGroup: AnyObject {
  /// This process's place, `0..<size`; rank 0 writes the model, the checkpoint and the log.
  var rank: Int { get }
  var size: Int { get }
  /// Every rank's `local` values, concatenated in rank order; `counts[r]` is how many rank `r` contributes.
  func allGather(_ local: [Float], counts: [Int]) -> [Float]
  /// Rank `root`'s bytes, on every rank.
  func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8]
}

extension RankGroup {
  /// Rank `root`'s `count` floats, bit for bit, on every rank.
  public func broadcast(floats: [Float], count: Int, from root: Int) -> [Float] {
    var bytes: [UInt8] = []
    bytes.appendLittleEndian(floats)
    var reader = ByteReader(broadcast(bytes, from: root))
    guard let received = try? reader.readFloats(count) else {
      preconditionFailure("rank \(root) broadcast fewer than \(count) floats")
    }
    return received
  }
}

/// A run in one process: the collectives are copies.
public final class SingleProcess: RankGroup {
  public init() {}
  public var rank: Int { 0 }
  public var size: Int { 1 }
  public func allGather(_ local: [Float], counts: [Int]) -> [Float] { local }
  public func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8] { bytes }
}

/// How a step's global batch is cut: `count` shards of `imagesPerShard` images, shard `s` holding the images at
/// positions `s·imagesPerShard ..< (s+1)·imagesPerShard`. Each shard's gradient is computed alone and the shards'
/// results are added in shard order, by one process or by any number of ranks, each computing a contiguous range of
/// shards: so the sum, and the model, are the same bits for every rank count.
public struct ShardPlan: Equatable, Sendable {
  public let count: Int, imagesPerShard: Int

  public init(batch: Int, shards: Int) {
    precondition(shards >= 1 && batch % shards == 0, "a batch of \(batch) does not split into \(shards) shards")
    (count, imagesPerShard) = (shards, batch / shards)
  }

  /// The default when `--shards` is not given: the batch's largest divisor up to 4, whatever the rank count (the
  /// same options must give the same run on one process and on several). Smaller shards make smaller products: one
  /// process trains 4% slower with 2 shards than with one batch, 7% with 4, 15% with 8 (`Docs/TRAINING.md`).
  public static func defaultShards(batch: Int) -> Int { (1...min(4, batch)).last { batch % $0 == 0 }! }

  /// The shards rank `rank` of `size` computes: contiguous, the first `count % size` ranks one more.
  public func shards(ofRank rank: Int, among size: Int) -> Range<Int> {
    precondition(size <= count, "\(size) ranks for \(count) shards")
    let (base, extra) = (count / size, count % size)
    let start = rank * base + min(rank, extra)
    return start..<start + base + (rank < extra ? 1 : 0)
  }

  /// Positions of shard `shard`'s images in the global batch.
  public func positions(ofShard shard: Int) -> Range<Int> { shard * imagesPerShard..<(shard + 1) * imagesPerShard }
}

/// A seed for one purpose, derived from the run's seed and integers (step, shard, image position): every rank derives
/// the same one without communicating.
func derivedSeed(_ seed: UInt64, _ parts: UInt64...) -> UInt64 {
  var generator = SplitMix64(seed: seed)
  var value = generator.next()
  for part in parts {
    generator = SplitMix64(seed: value ^ part)
    value = generator.next()
  }
  return value
}
