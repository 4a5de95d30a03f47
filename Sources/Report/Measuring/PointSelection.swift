/// Which operating points to measure for each model: a sweep of its whole quality range (the default), a list of
/// qualities, every prefix of its stages, or a list of stage counts.
public enum PointSelection: Equatable, Sendable {
  case qualitySweep
  case qualities([Double])
  case allStages
  case stageCounts([Int])

  /// The points of a model named `modelName` with `stageCount` stages, ascending in rate; stage counts above
  /// `stageCount` are left out.
  ///
  /// The sweep takes qualities `100 · j / m`, j = 0...m, with m the smallest multiple of `stageCount` that is at least
  /// 6: at least 7 points, among them every whole-stage file (quality `100 · s / stageCount` codes s whole stages).
  public func points(modelName: String, stageCount: Int) -> [OperatingPoint] {
    switch self {
    case .qualitySweep:
      let m = stageCount * Int((6.0 / Double(stageCount)).rounded(.up))
      return (0...m).map {
        OperatingPoint(modelName: modelName, stages: stageCount, quality: 100 * Double($0) / Double(m))
      }
    case .qualities(let qualities):
      return Set(qualities).sorted().map { OperatingPoint(modelName: modelName, stages: stageCount, quality: $0) }
    case .allStages:
      return (1...stageCount).map { OperatingPoint(modelName: modelName, stages: $0) }
    case .stageCounts(let counts):
      return Set(counts).filter { (1...stageCount).contains($0) }.sorted().map {
        OperatingPoint(modelName: modelName, stages: $0)
      }
    }
  }
}
