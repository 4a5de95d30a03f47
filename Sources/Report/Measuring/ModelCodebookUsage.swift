import Glibc
import Quantizers

/// How one model used its codebooks over the whole image set, per residual stage (from the files of its
/// largest measured stage count; a stage's indices do not depend on how many stages follow it).
public struct ModelCodebookUsage: Equatable, Sendable {
  public let modelName: String
  /// One entry per stage, first stage first.
  public let stages: [CodebookUsage]
}

extension CodebookUsage {
  /// `log2 K`: the index entropy of uniform use, the ceiling of `entropyBits`.
  public var maximumEntropyBits: Double { log2(Double(codes)) }
}
