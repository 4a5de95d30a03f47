/// Coder 3 (FORMAT.md §4.4): coder 2's method over K + 1 values, where the value K means "this stage adds nothing
/// at this position" (a skip). The encoder's rate–distortion choice (`vqcodec encode --quality`) leaves a stage's
/// refinement out wherever it does not pay for its bits, so most grids of the later stages are mostly skips.
///
/// The payload's first byte sets how likely a skip starts out in the symbol model (a skip share s: frequency
/// 1 + 128·s beside the K codes' 2^14), because that probability ranges from almost 0 to almost 1 with the
/// quality asked for; the range coder's bytes follow.
public enum SkipCoder {
  /// Initial frequency of the skip value for each unit of the share byte.
  static let shareUnit: UInt32 = 128

  /// The value that marks a skip in a grid of K codes (K ≤ 4096, the range coders' limit).
  public static func skipValue(codebookSize: Int) -> UInt16 {
    precondition(codebookSize <= IndexGridCoder.maxRangeCodedCodebookSize, "skips need K ≤ 4096")
    return UInt16(codebookSize)
  }

  static func encode(
    _ values: [UInt16], width: Int, codebookSize: Int, priorCounts: [UInt32]?, previousStage: [UInt16]?
  ) -> [UInt8] {
    let share = skipShare(for: values, width: width, codebookSize: codebookSize, priorCounts: priorCounts)
    let symbols = initialSymbols(codebookSize: codebookSize, priorCounts: priorCounts, skipShare: share)
    return [share] + ContextModelCoder.encode(values, width: width, symbols: symbols, previousStage: previousStage)
  }

  static func decode(
    _ payload: [UInt8], height: Int, width: Int, codebookSize: Int, priorCounts: [UInt32]?,
    previousStage: [UInt16]?
  ) throws(FormatError) -> [UInt16] {
    guard let share = payload.first else { throw .malformedPayload(reason: "skip coder payload has no share byte") }
    return try ContextModelCoder.decode(
      Array(payload.dropFirst()), height: height, width: width,
      symbols: initialSymbols(codebookSize: codebookSize, priorCounts: priorCounts, skipShare: share),
      previousStage: previousStage)
  }

  /// The symbol model's start: the K codes as coder 2 starts them (the prior quantised to 2^14, or flat), then the
  /// skip value with frequency 1 + 128 · `skipShare` (at most 32,641: the total stays below 2^16).
  static func initialSymbols(codebookSize: Int, priorCounts: [UInt32]?, skipShare: UInt8) -> AdaptiveFrequencyModel {
    let codes = AdaptiveFrequencyModel(codebookSize: codebookSize, priorCounts: priorCounts).frequencies
    return AdaptiveFrequencyModel(frequencies: codes + [1 + shareUnit * UInt32(skipShare)])
  }

  /// The share byte that starts the skip value at about the fraction of skips among the positions the symbol model
  /// will code (those whose value no neighbour holds): what `encode` writes for `values`.
  public static func skipShare(
    for values: [UInt16], width: Int, codebookSize: Int, priorCounts: [UInt32]?
  ) -> UInt8 {
    var candidates = NeighbourCandidates()
    var (fresh, freshSkips) = (0, 0)
    for position in values.indices {
      candidates.gather(
        from: values, width: width, position: position, x: position % width, y: position / width, previousStage: nil)
      guard !candidates.values.contains(values[position]) else { continue }
      fresh += 1
      if Int(values[position]) == codebookSize { freshSkips += 1 }
    }
    guard freshSkips > 0 else { return 0 }
    let codesTotal = AdaptiveFrequencyModel(codebookSize: codebookSize, priorCounts: priorCounts).total
    let p = Double(freshSkips) / Double(fresh)
    let skipFrequency = p >= 1 ? Double.infinity : p / (1 - p) * Double(codesTotal)
    return UInt8(max(0, min(255, ((skipFrequency - 1) / Double(shareUnit)).rounded())))
  }
}
