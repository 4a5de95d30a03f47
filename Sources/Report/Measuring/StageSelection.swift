/// Which residual stage counts to measure for each model: every prefix `1...S`, or a list.
public enum StageSelection: Equatable, Sendable {
  case all
  case counts([Int])

  /// The stage counts a model with `stageCount` stages can decode, ascending; larger counts are left out.
  public func counts(forStageCount stageCount: Int) -> [Int] {
    switch self {
    case .all: Array(1...stageCount)
    case .counts(let counts): Set(counts).filter { (1...stageCount).contains($0) }.sorted()
    }
  }
}
