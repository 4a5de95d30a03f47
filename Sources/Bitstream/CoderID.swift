/// Which coder wrote a stage's payload (FORMAT.md §4). Raw values are written to files: never renumber.
public enum CoderID: UInt8, Sendable, CaseIterable, CustomStringConvertible {
  /// Each index in ceil(log2 K) bits, MSB first (FORMAT.md §4.1).
  case fixedWidth = 0
  /// Range coder with a static frequency table quantised from the model's prior counts (FORMAT.md §4.2).
  case staticRange = 1
  /// Range coder with adaptive neighbour-context models (FORMAT.md §4.3).
  case adaptiveRange = 2
  /// Coder 2's method over K + 1 values, the last meaning "skip": this stage adds nothing there (FORMAT.md §4.4).
  case adaptiveRangeWithSkips = 3

  public var description: String {
    switch self {
    case .fixedWidth: return "fixedWidth"
    case .staticRange: return "staticRange"
    case .adaptiveRange: return "adaptiveRange"
    case .adaptiveRangeWithSkips: return "adaptiveRangeWithSkips"
    }
  }
}
