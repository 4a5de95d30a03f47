/// A rate-distortion chart as SVG inlined in HTML (so without a namespace URL): quality against bits per pixel, one
/// polyline with markers per series, axes with ticks at round values, and a legend.
struct RateDistortionChart {
  struct Series {
    let name: String
    let points: [(x: Double, y: Double)]
    let colour: String
    let isDashed: Bool
  }

  let title: String
  let yLabel: String
  /// The right end of the rate axis at most; longer curves (from `--compare`) are clipped there.
  let maximumRate: Double
  let series: [Series]

  /// Canvas size without the legend and the margins around the plot area, in SVG units.
  private static let (width, height) = (640.0, 420.0)
  private static let (left, right, top, bottom) = (64.0, 16.0, 36.0, 48.0)
  private static let legendRowHeight = 18.0

  func svg() -> String {
    let all = series.flatMap(\.points).filter { $0.x <= maximumRate }
    guard !all.isEmpty else { return "" }
    let xTicks = Self.ticks(from: 0, to: all.map(\.x).max()!)
    let yTicks = Self.ticks(from: all.map(\.y).min()!, to: all.map(\.y).max()!)
    let (x0, x1, y0, y1) = (xTicks.first!, xTicks.last!, yTicks.first!, yTicks.last!)
    let (width, left, top) = (Self.width, Self.left, Self.top)
    let plotWidth = width - left - Self.right
    let plotHeight = Self.height - top - Self.bottom
    let height = Self.height + Self.legendRowHeight * Double(series.count) + 8
    func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotWidth }
    func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotHeight }
    func n(_ v: Double) -> String { v.fixed(1) }

    var s =
      "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" "
      + "font-family=\"sans-serif\" font-size=\"12\">\n"
    s +=
      "<text x=\"\(n(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">"
      + "\(escapeHTML(title))</text>\n"
    for t in xTicks {
      s +=
        "<line x1=\"\(n(px(t)))\" y1=\"\(n(top))\" x2=\"\(n(px(t)))\" y2=\"\(n(top + plotHeight))\" "
        + "stroke=\"#e4e4e4\"/>"
      s +=
        "<text x=\"\(n(px(t)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\">"
        + "\(Self.label(t, step: xTicks[1] - xTicks[0]))</text>\n"
    }
    for t in yTicks {
      s +=
        "<line x1=\"\(n(left))\" y1=\"\(n(py(t)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(t)))\" "
        + "stroke=\"#e4e4e4\"/>"
      s +=
        "<text x=\"\(n(left - 6))\" y=\"\(n(py(t) + 4))\" text-anchor=\"end\">"
        + "\(Self.label(t, step: yTicks[1] - yTicks[0]))</text>\n"
    }
    s +=
      "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotWidth))\" height=\"\(n(plotHeight))\" "
      + "fill=\"none\" stroke=\"#333\"/>\n"
    s +=
      "<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(Self.height - 10))\" text-anchor=\"middle\">"
      + "bits per pixel (whole file)</text>\n"
    s +=
      "<text transform=\"translate(16 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">"
      + "\(escapeHTML(yLabel))</text>\n"
    let clipID = "plot-" + String(title.unicodeScalars.filter { $0.properties.isAlphabetic })
    s +=
      "<clipPath id=\"\(clipID)\"><rect x=\"\(n(left))\" y=\"\(n(top))\" "
      + "width=\"\(n(plotWidth))\" height=\"\(n(plotHeight))\"/></clipPath>\n"
    s += "<g clip-path=\"url(#\(clipID))\">\n"
    for line in series where !line.points.isEmpty {
      let coordinates = line.points.map { "\(n(px($0.x))),\(n(py($0.y)))" }
      let dash = line.isDashed ? " stroke-dasharray=\"6 4\"" : ""
      s +=
        "<polyline points=\"\(coordinates.joined(separator: " "))\" fill=\"none\" "
        + "stroke=\"\(line.colour)\" stroke-width=\"2\"\(dash)/>\n"
      for c in coordinates {
        let xy = c.split(separator: ",")
        s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3.5\" fill=\"\(line.colour)\"/>"
      }
      s += "\n"
    }
    s += "</g>\n" + legend(atX: left, y: Self.height)
    return s + "</svg>\n"
  }

  /// The legend, below the plot so that it never hides a curve: one row per series.
  private func legend(atX x: Double, y: Double) -> String {
    let rowHeight = Self.legendRowHeight
    let boxWidth = 40 + 7 * Double(series.map(\.name.count).max() ?? 0)
    let boxHeight = rowHeight * Double(series.count) + 8
    var s =
      "<rect x=\"\(x.fixed(1))\" y=\"\(y.fixed(1))\" width=\"\(boxWidth.fixed(1))\" height=\"\(boxHeight.fixed(1))\" "
      + "fill=\"white\" fill-opacity=\"0.9\" stroke=\"#999\"/>\n"
    for (i, line) in series.enumerated() {
      let rowY = y + 4 + rowHeight * (Double(i) + 0.5)
      let dash = line.isDashed ? " stroke-dasharray=\"6 4\"" : ""
      s +=
        "<line x1=\"\((x + 6).fixed(1))\" y1=\"\(rowY.fixed(1))\" x2=\"\((x + 30).fixed(1))\" y2=\"\(rowY.fixed(1))\" "
        + "stroke=\"\(line.colour)\" stroke-width=\"2\"\(dash)/>"
      s += "<text x=\"\((x + 36).fixed(1))\" y=\"\((rowY + 4).fixed(1))\">\(escapeHTML(line.name))</text>\n"
    }
    return s
  }

  /// Round tick values covering `low...high` in four to seven steps of 1, 2 or 5 × 10^k.
  static func ticks(from low: Double, to high: Double) -> [Double] {
    let span = high > low ? high - low : max(abs(high), 1) * 0.1
    var step = 1.0
    while span / step > 8 { step *= 10 }
    while span / step < 2 { step /= 10 }
    for multiple in [1.0, 2, 5, 10] where span / (step * multiple) <= 7 {
      step *= multiple
      break
    }
    let first = (low / step).rounded(.down) * step
    let last = max((high / step).rounded(.up) * step, first + step)
    return stride(from: first, through: last + step / 2, by: step).map { $0 }
  }

  /// Enough decimals to tell neighbouring ticks apart.
  static func label(_ value: Double, step: Double) -> String {
    var decimals = 0
    var s = step
    while s < 0.999 && decimals < 6 {
      s *= 10
      decimals += 1
    }
    return value.fixed(decimals)
  }
}
