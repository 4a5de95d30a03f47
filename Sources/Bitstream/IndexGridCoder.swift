/// Codes one stage's index grid (row-major, `height × width`, every index below K) with the coders of
/// FORMAT.md §4, and decodes it again.
public enum IndexGridCoder {
  /// The range coders (1, 2) support K up to this; larger codebooks always use coder 0.
  public static let maxRangeCodedCodebookSize = 4096

  /// Codes the grid with every applicable coder and keeps the smallest payload (ties go to the lower id). A grid
  /// with skips (the value K, `SkipCoder.skipValue`) has one coder: 3.
  ///
  /// - Parameters:
  ///   - priorCounts: the model's index histogram for this stage (K entries); enables coder 1 and seeds coders 2, 3.
  ///   - previousStage: the previous residual stage's grid (same shape); gives coders 2 and 3 extra context.
  public static func encode(
    _ indices: [UInt16], height: Int, width: Int, codebookSize: Int,
    priorCounts: [UInt32]? = nil, previousStage: [UInt16]? = nil
  ) -> StagePayload {
    let hasSkips =
      codebookSize <= maxRangeCodedCodebookSize && indices.contains(SkipCoder.skipValue(codebookSize: codebookSize))
    let coders: [CoderID] = hasSkips ? [.adaptiveRangeWithSkips] : [.fixedWidth, .staticRange, .adaptiveRange]
    var best: StagePayload?
    for coder in coders where isApplicable(coder, codebookSize: codebookSize, hasPrior: priorCounts != nil) {
      let bytes = encode(
        indices, height: height, width: width, codebookSize: codebookSize,
        priorCounts: priorCounts, previousStage: previousStage, using: coder)
      if best == nil || bytes.count < best!.bytes.count { best = StagePayload(coder: coder, bytes: bytes) }
    }
    guard let best else { preconditionFailure("skips need K ≤ \(maxRangeCodedCodebookSize)") }
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
    let alphabetSize = coder == .adaptiveRangeWithSkips ? codebookSize + 1 : codebookSize
    precondition(indices.allSatisfy { Int($0) < alphabetSize }, "every index must be below K (or be a skip)")
    switch coder {
    case .fixedWidth:
      return FixedWidthCoder.encode(indices, codebookSize: codebookSize)
    case .staticRange:
      return StaticRangeCoder.encode(indices, priorCounts: priorCounts!)
    case .adaptiveRange:
      return ContextModelCoder.encode(
        indices, width: width, symbols: AdaptiveFrequencyModel(codebookSize: codebookSize, priorCounts: priorCounts),
        previousStage: previousStage)
    case .adaptiveRangeWithSkips:
      return SkipCoder.encode(
        indices, width: width, codebookSize: codebookSize, priorCounts: priorCounts, previousStage: previousStage)
    }
  }

  /// Whether `coder` can code a grid with this K: range coders need K ≤ 4096, and coder 1 needs a prior.
  public static func isApplicable(_ coder: CoderID, codebookSize: Int, hasPrior: Bool) -> Bool {
    switch coder {
    case .fixedWidth: return true
    case .staticRange: return hasPrior && codebookSize <= maxRangeCodedCodebookSize
    case .adaptiveRange, .adaptiveRangeWithSkips: return codebookSize <= maxRangeCodedCodebookSize
    }
  }

  /// Decodes a payload written by `encode` (coder 3's grids may hold K, a skip). Throws on any malformed payload,
  /// never traps, and allocates no more than the `height × width` grid (the caller bounds those; `VQContainer.parse`
  /// does).
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
        payload.bytes, height: height, width: width,
        symbols: AdaptiveFrequencyModel(codebookSize: codebookSize, priorCounts: priorCounts),
        previousStage: previousStage)
    case .adaptiveRangeWithSkips:
      return try SkipCoder.decode(
        payload.bytes, height: height, width: width, codebookSize: codebookSize, priorCounts: priorCounts,
        previousStage: previousStage)
    }
  }
}
