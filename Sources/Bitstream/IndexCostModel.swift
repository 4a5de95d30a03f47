/// What the coder of one stage's grid would spend on each value, position by position in raster order, as its
/// adaptive state stands after the values chosen so far: the rate term of the encoder's rate–distortion choice.
/// A grid with skips is priced as coder 3 codes it (K + 1 values); one without, as coder 2 does (K values).
///
/// The state is the coder's own (`ContextModel`, updated by every choice as coding it would update it), so the bits
/// are those the coder spends given the past; only the effect of a choice on later positions is not counted.
public struct IndexCostModel {
  private var model: ContextModel
  private let width: Int
  private let previousStage: [UInt16]?
  /// The values chosen so far; positions not reached yet hold 0.
  public private(set) var grid: [UInt16]
  /// The next position to price and choose.
  public private(set) var position = 0

  /// - Parameters:
  ///   - skipShare: coder 3's share byte (`SkipCoder.skipShare`), how likely a skip starts out; nil for a grid
  ///     without skips, priced as coder 2.
  public init(
    height: Int, width: Int, codebookSize: Int, priorCounts: [UInt32]?, previousStage: [UInt16]?, skipShare: UInt8?
  ) {
    precondition(codebookSize <= IndexGridCoder.maxRangeCodedCodebookSize, "coders 2 and 3 need K ≤ 4096")
    precondition(previousStage == nil || previousStage!.count == height * width, "previous stage must match")
    model = ContextModel(
      symbols: skipShare.map {
        SkipCoder.initialSymbols(codebookSize: codebookSize, priorCounts: priorCounts, skipShare: $0)
      } ?? AdaptiveFrequencyModel(codebookSize: codebookSize, priorCounts: priorCounts))
    self.width = width
    self.previousStage = previousStage
    grid = [UInt16](repeating: 0, count: height * width)
  }

  /// Values per position: the K codes, and the skip (value K) when skips are priced.
  public var alphabetSize: Int { model.alphabetSize }

  /// The bits each value below `alphabetSize` would cost at `position`.
  public mutating func costs(into bits: UnsafeMutableBufferPointer<Float>) {
    precondition(position < grid.count, "every position has been chosen")
    model.costs(grid, width: width, position: position, previousStage: previousStage, into: bits)
  }

  /// Sets `position`'s value, lets the coder's state learn it, and moves to the next position.
  public mutating func choose(_ value: UInt16) {
    precondition(Int(value) < alphabetSize, "value beyond the alphabet")
    grid[position] = value
    var update = ModelUpdate()
    model.code(grid, width: width, position: position, previousStage: previousStage, into: &update)
    position += 1
  }
}
