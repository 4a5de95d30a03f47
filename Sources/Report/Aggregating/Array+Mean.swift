extension Array where Element == Double {
  /// The arithmetic mean; nil for an empty array.
  var mean: Double? { isEmpty ? nil : reduce(0, +) / Double(count) }
}
