/// The HTML rendering: one self-contained page (no network: styles inline, charts as inline SVG, pictures as
/// `data:` URIs) with the rate-distortion charts, the summary and usage tables, the per-image table, and per
/// image the original, our decoding and the JPEG at the same rate side by side with error heat maps.
public enum ReportHTML {
  static let ourColours = ["#1f5fbf", "#2a9d3a", "#8a2be2", "#c2185b"]
  static let jpegColour = "#e07b00"
  static let referenceColours = ["JPEG": "#8c564b", "WebP": "#d62728", "AVIF": "#9467bd", "JPEG XL": "#bcbd22"]
  static let comparisonColours = ["#555555", "#9c9c00", "#17becf", "#7f7f7f"]

  public static func render(_ report: Report, figures: [ImageFigure], comparisonCurves: [RateDistortionCurve]) -> String
  {
    var page =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>\(escapeHTML(report.name))</title>\n"
    page += "<style>\(style)</style></head><body>\n"
    page += "<h1>\(escapeHTML(report.name))</h1>\n<p>\(escapeHTML(report.description))</p>\n"
    page += charts(report, comparisonCurves)
    page += "<h2>Mean of per-image values</h2>\n" + ReportTable.summary(report).html()
    if !report.references.isEmpty {
      page +=
        "<h2>Reference codecs</h2>\n<p class=\"note\">"
        + escapeHTML(report.references.map { "\($0.codecName): \($0.codecDescription)" }.joined(separator: ". "))
        + ". BD-rate: the rate we need for the same PSNR (negative: fewer bits), log-rate interpolated against PSNR "
        + "(monotone piecewise cubic), averaged over the PSNR range both curves cover.</p>\n"
        + ReportTable.bjontegaardDeltas(report).html() + ReportTable.referencesAtOurRates(report).html()
        + ReportTable.referenceCurves(report).html()
    }
    page += "<h2>Codebook usage over the set</h2>\n" + ReportTable.usage(report).html()
    page += "<h2>Per image</h2>\n" + ReportTable.perImage(report).html()
    page +=
      "<h2>Pictures</h2>\n<p class=\"note\">Crops: the most detailed \(ImageFigure.cropSide)×\(ImageFigure.cropSide) "
      + "square at 2× zoom. Heat maps: mean absolute error over R, G, B, black = 0, red, yellow, white ≥ "
      + "\(Int(ErrorHeatMap.saturation)) levels (same scale for every map).</p>\n"
    page += figures.map(figure).joined()
    return page + "</body></html>\n"
  }

  static let style = """
    body{font-family:sans-serif;margin:24px;color:#222;max-width:1600px}
    table{border-collapse:collapse;font-size:12px;margin-bottom:16px}
    td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;white-space:nowrap}
    td:first-child,th:first-child{text-align:left}
    th{background:#f0f0f0}
    .charts{display:flex;flex-wrap:wrap;gap:16px}
    .figure{border-top:1px solid #ccc;padding-top:8px;margin-top:16px}
    .row{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start;margin:6px 0}
    .cell{font-size:12px;text-align:center}
    .cell img{display:block;margin-bottom:2px}
    .zoom{width:256px;height:auto;image-rendering:pixelated}
    .thumb{position:relative;display:inline-block}
    .box{position:absolute;border:2px solid #ff0;box-shadow:0 0 0 1px #000}
    .note{font-size:13px;color:#555}
    """

  /// The charts: PSNR and MS-SSIM against bpp, ours, JPEG at matched rate, the reference codecs' curves and the
  /// comparison curves.
  static func charts(_ report: Report, _ comparisonCurves: [RateDistortionCurve]) -> String {
    var series: [(curve: RateDistortionCurve, colour: String, isDashed: Bool)] = []
    for (i, curve) in report.curves.enumerated() {
      let isJPEG = i % 2 == 1
      series.append((curve, isJPEG ? jpegColour : ourColours[i / 2 % ourColours.count], isJPEG))
    }
    for reference in report.references {
      series.append((reference.curve, referenceColours[reference.codecName] ?? comparisonColours[0], true))
    }
    for (i, curve) in comparisonCurves.enumerated() {
      series.append((curve, comparisonColours[i % comparisonColours.count], true))
    }
    // Our rates and a margin decide the rate axis; comparison curves reaching further are clipped.
    let maximumRate = 1.25 * (report.curves.flatMap(\.points).map(\.bitsPerPixel).max() ?? 1)
    func chart(_ title: String, _ yLabel: String, _ y: (CurvePoint) -> Double?) -> String {
      RateDistortionChart(
        title: title, yLabel: yLabel, maximumRate: maximumRate,
        series: series.compactMap { s in
          let points = s.curve.points.compactMap { p in y(p).map { (x: p.bitsPerPixel, y: $0) } }
          return points.isEmpty
            ? nil : .init(name: s.curve.name, points: points, colour: s.colour, isDashed: s.isDashed)
        }
      ).svg()
    }
    return "<div class=\"charts\">\n" + chart("PSNR (RGB) vs rate", "PSNR (dB)", \.psnr)
      + chart("MS-SSIM (RGB) vs rate", "MS-SSIM", \.msSSIM) + "</div>\n"
  }

  static func figure(_ f: ImageFigure) -> String {
    func box() -> String {
      let k = Double(f.thumbnailWidth) / Double(f.width)
      return
        "<div class=\"box\" style=\"left:\((Double(f.cropOrigin.x) * k).fixed(0))px;"
        + "top:\((Double(f.cropOrigin.y) * k).fixed(0))px;"
        + "width:\((Double(f.cropSide) * k).fixed(0))px;height:\((Double(f.cropSide) * k).fixed(0))px\"></div>"
    }
    var html =
      "<div class=\"figure\"><h3>\(escapeHTML(f.imageName)) (\(f.width)×\(f.height))</h3>\n<div class=\"row\">"
    html +=
      "<div class=\"cell thumb\"><img src=\"\(Base64.dataURI(f.thumbnailJPEG, mediaType: "image/jpeg"))\" "
      + "alt=\"original\">\(box())original</div>"
    html += cell(f.originalCropPNG, zoomed: true, caption: "original crop")
    html += "</div>\n"
    for p in f.panels {
      let m = p.measurement
      html += "<div class=\"row\">"
      html += cell(
        p.decodedCropPNG, zoomed: true,
        caption:
          "\(m.operatingPoint.label): \(m.bitsPerPixel.fixed(3)) bpp, \(m.psnr.fixed(2)) dB, "
          + "MS-SSIM \(m.msSSIM.fixed(4))"
      )
      html += cell(
        p.jpegCropPNG, zoomed: true,
        caption:
          "JPEG q\(m.jpeg.quality): \(m.jpeg.bitsPerPixel.fixed(3)) bpp, \(m.jpeg.psnr.fixed(2)) dB, "
          + "MS-SSIM \(m.jpeg.msSSIM.fixed(4))"
      )
      html += cell(p.decodedHeatMapPNG, zoomed: false, caption: "error, \(m.operatingPoint.label)")
      html += cell(p.jpegHeatMapPNG, zoomed: false, caption: "error, JPEG q\(m.jpeg.quality)")
      html += "</div>\n"
    }
    return html + "</div>\n"
  }

  static func cell(_ png: [UInt8], zoomed: Bool, caption: String) -> String {
    "<div class=\"cell\"><img\(zoomed ? " class=\"zoom\"" : "") src=\"\(Base64.dataURI(png, mediaType: "image/png"))\" "
      + "alt=\"\(escapeHTML(caption))\">\(escapeHTML(caption))</div>"
  }
}
