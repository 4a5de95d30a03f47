/// Codes one stage's index grid (row-major, `height × width`, every index below K) with the coders of
/// FORMAT.md §4, and decodes it again.
public enum IndexGridCoder {
  /// The range coders (1, 2) support K up to this; larger codebooks always use coder 0.
  public static let maxRangeCodedCodebookSize = 4096

  /// Codes the grid with every applicable coder and keeps the smallest payload (ties go to the lower id).
  ///
  /// - Parameters:
  ///   - priorCounts: the model's index histogram for this stage (K entries); enables coder 1 and seeds coder 2.
  ///   - previousStage: the previous residual stage's grid (same shape); gives coder 2 extra context.
  public static func encode(
    _ indices: [UInt16], height: Int, width: Int, codebookSize: Int,
    priorCounts: [UInt32]? = nil, previousStage: [UInt16]? = nil
  ) -> StagePayload {
    var best = StagePayload(
      coder: .fixedWidth,
      bytes: encode(
        indices, height: height, width: width, codebookSize: codebookSize,
        priorCounts: priorCounts, previousStage: previousStage, using: .fixedWidth))
    for coder in [CoderID.staticRange, .adaptiveRange]
    where isApplicable(coder, codebookSize: codebookSize, hasPrior: priorCounts != nil) {
      let bytes = encode(
        indices, height: height, width: width, codebookSize: codebookSize,
        priorCounts: priorCounts, previousStage: previousStage, using: coder)
      if bytes.count < best.bytes.count { best = StagePayload(coder: coder, bytes: bytes) }
    }
    return best
  }

  /// Codes the grid with one given coder, which must be applicable (see `isApplicable`).
  public static func encode(
    _ indices: [UInt16], height: Int, width: Int, codebookSize: Int,
    priorCounts: [UInt32]? = nil, previousStage: [UInt16]? = nil, using coder: CoderID
  ) -> [UInt8] {
    precondition(height >= 1 && width >= 1 && indices.count == height * width, "grid must hold height × width indices")
    precondition(codebookSize >= 2 && codebookSize <= 65536, "K must be in 2...65536")
    precondition(priorCounts == nil || priorCounts!.count == codebookSize, "prior must have K counts")
    precondition(previousStage == nil || previousStage!.count == indices.count, "previous stage must match the grid")
    precondition(isApplicable(coder, codebookSize: codebookSize, hasPrior: priorCounts != nil))
    precondition(indices.allSatisfy { Int($0) < codebookSize }, "every index must be below K")
    switch coder {
    case .fixedWidth:
      return FixedWidthCoder.encode(indices, codebookSize: codebookSize)
    case .staticRange:
      return StaticRangeCoder.encode(indices, priorCounts: priorCounts!)
    case .adaptiveRange:
      return ContextModelCoder.encode(
        indices, height: height, width: width, codebookSize: codebookSize,
        priorCounts: priorCounts, previousStage: previousStage)
    }
  }

  /// Whether `coder` can code a grid with this K: range coders need K ≤ 4096, and coder 1 needs a prior.
  public static func isApplicable(_ coder: CoderID, codebookSize: Int, hasPrior: Bool) -> Bool {
    switch coder {
    case .fixedWidth: return true
    case .staticRange: return hasPrior && codebookSize <= maxRangeCodedCodebookSize
    case .adaptiveRange: return codebookSize <= maxRangeCodedCodebookSize
    }
  }

  /// Decodes a payload written by `encode`. Throws on any malformed payload, never traps, and allocates
  /// no more than the `height × width` grid (the caller bounds those; `VQContainer.parse` does).
  public static func decode(
    _ payload: StagePayload, height: Int, width: Int, codebookSize: Int,
    priorCounts: [UInt32]? = nil, previousStage: [UInt16]? = nil
  ) throws(FormatError) -> [UInt16] {
    precondition(height >= 1 && width >= 1, "grid must be at least 1 × 1")
    precondition(codebookSize >= 2 && codebookSize <= 65536, "K must be in 2...65536")
    precondition(previousStage == nil || previousStage!.count == height * width, "previous stage must match")
    if let priorCounts, priorCounts.count != codebookSize {
      throw .priorMismatch(reason: "\(priorCounts.count) counts for K = \(codebookSize)")
    }
    guard isApplicable(payload.coder, codebookSize: codebookSize, hasPrior: true) else {
      throw .unsupportedCodebookSize(coder: payload.coder, codebookSize: codebookSize)
    }
    switch payload.coder {
    case .fixedWidth:
      return try FixedWidthCoder.decode(payload.bytes, indexCount: height * width, codebookSize: codebookSize)
    case .staticRange:
      guard let priorCounts else { throw .priorMismatch(reason: "the static coder needs the model's prior counts") }
      return try StaticRangeCoder.decode(payload.bytes, indexCount: height * width, priorCounts: priorCounts)
    case .adaptiveRange:
      return try ContextModelCoder.decode(
        payload.bytes, height: height, width: width, codebookSize: codebookSize,
        priorCounts: priorCounts, previousStage: previousStage)
    }
  }
}
