extension Double {
  /// The value rounded to `decimals` places, like C's `%.Nf` (this module does without Foundation);
  /// `inf`, `-inf` and `nan` for non-finite values.
  func fixed(_ decimals: Int) -> String {
    guard isFinite else { return isNaN ? "nan" : (self > 0 ? "inf" : "-inf") }
    var scale = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (magnitude * Double(scale)).rounded()
    guard scaled < 1e15 else { return description }
    let units = Int(scaled)
    var text = String(units / scale)
    if decimals > 0 {
      let fraction = String(units % scale)
      text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return (self < 0 && units != 0 ? "-" : "") + text
  }
}

extension Optional where Wrapped == Double {
  /// `fixed` of the value, or `placeholder` when nil.
  func fixed(_ decimals: Int, placeholder: String = "-") -> String { map { $0.fixed(decimals) } ?? placeholder }
}
