import Codec
import Foundation
import Testing

@testable import Report

/// The table, JSON, CSV and HTML renderings of the fixture report.
struct ReportRenderingTests {
  let report = ReportFixture.report

  @Test func jsonParsesAndHasCompressAIKeys() throws {
    let text = ReportJSON.render(report)
    let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(root["name"] as? String == "test")
    #expect(root["description"] is String)
    let results = try #require(root["results"] as? [String: [Any]])
    #expect(Set(results.keys) == ["psnr-rgb", "ms-ssim-rgb", "bpp", "encoding_time", "decoding_time"])
    #expect(results.values.allSatisfy { $0.count == report.summaries.count })
    // Foundation's parser on Linux may miss the last bit of a shortest-round-trip number; Python's does not.
    let close = { (parsed: [Any]?, expected: [Double]) in
      let values = parsed as? [Double] ?? []
      return values.count == expected.count && zip(values, expected).allSatisfy { abs($0 / $1 - 1) < 1e-14 }
    }
    #expect(close(results["bpp"], report.summaries.map(\.ours.bitsPerPixel)))
    #expect(close(results["psnr-rgb"], report.summaries.map(\.ours.psnr)))
    let images = try #require(root["images"] as? [[String: Any]])
    #expect(images.count == report.measurements.count)
    #expect(images.filter { $0["ms-ssim-rgb"] is NSNull }.count == 4)
    let jpeg = try #require((root["jpeg"] as? [String: Any])?["results"] as? [String: [Any]])
    #expect(jpeg["bpp"]?.count == report.summaries.count)
    let references = try #require(root["references"] as? [[String: Any]])
    #expect(references.map { $0["name"] as? String } == ["JPEG"])
    let curve = try #require(references[0]["results"] as? [String: [Any]])
    #expect(curve["setting"]?.count == ReferenceCodec.jpeg.settings.count)
    let deltas = try #require(references[0]["bd_rate"] as? [[String: Any]])
    #expect(deltas.count == 1 && deltas[0]["model"] as? String == "tiny")
    #expect((root["reference_images"] as? [Any])?.count == 3 * ReferenceCodec.jpeg.settings.count)
  }

  @Test func csvHasOneRowPerImageAndOperatingPoint() {
    let lines = ReportCSV.render(report).split(separator: "\r\n")
    #expect(lines.count == 1 + report.measurements.count)
    #expect(lines[0].split(separator: ",").count == ReportCSV.columns.count)
    #expect(lines.contains { $0.hasPrefix("\"dir/noise, \"\"quoted\"\".png\",") })
  }

  @Test func htmlIsSelfContained() throws {
    let figures = try ReportFixture.evaluations.map(ImageFigure.init)
    let compare = RateDistortionCurve(
      name: "webp <test>", points: [CurvePoint(bitsPerPixel: 0.5, psnr: 30, msSSIM: nil)])
    let html = ReportHTML.render(report, figures: figures, comparisonCurves: [compare])
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(!html.contains("src=\"/") && !html.contains("<link") && !html.contains("<script"))
    #expect(html.components(separatedBy: "<svg").count == 3)
    #expect(html.contains("webp &lt;test&gt;") && html.contains("<h2>Reference codecs</h2>"))
    // Per image: thumbnail + original crop, then per operating point two crops and two heat maps.
    #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == 3 * (1 + 2 * 4))
    #expect(html.components(separatedBy: "src=\"data:image/jpeg;base64,").count - 1 == 3)
  }

  @Test func tableListsEveryRowAndStage() {
    let text = ReportTable.render(report)
    #expect(text.contains("tiny@1") && text.contains("tiny@2") && text.contains("large.png"))
    #expect(ReportTable.perImage(report).rows.count == report.measurements.count)
    #expect(ReportTable.usage(report).rows.count == 2)
    #expect(text.contains("BD-rate") && ReportTable.bjontegaardDeltas(report).rows.count == 1)
    let widest = text.split(separator: "\n").map(\.count).max() ?? 0
    #expect(widest <= ReportTable.terminalWidth, "a terminal line of \(widest) columns")
  }

  @Test func longNamesAreShortenedForTheTerminal() {
    let name = "photos/2026/holiday/very-long-file-name-of-a-picture.png"
    let short = ReportTable.abbreviated(name, to: 24)
    #expect(short.count == 24 && short.hasSuffix("…") && name.hasPrefix(short.dropLast()))
    #expect(ReportTable.abbreviated("kodim01.png", to: 24) == "kodim01.png")
  }

  @Test(arguments: [
    (0.0, 2, "0.00"), (1.005, 1, "1.0"), (-2.5, 0, "-3"), (123.4567, 3, "123.457"), (-0.0001, 2, "0.00"),
    (.infinity, 2, "inf"),
  ])
  func fixedFormatting(value: Double, decimals: Int, expected: String) {
    #expect(value.fixed(decimals) == expected)
  }

  @Test func base64MatchesFoundation() {
    for count in 0..<8 {
      let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 97 + 200) }
      #expect(Base64.encoded(bytes) == Data(bytes).base64EncodedString())
    }
  }

  @Test func chartTicksAreRoundAndCoverTheRange() {
    let ticks = RateDistortionChart.ticks(from: 21.3, to: 33.8)
    #expect(ticks.first! <= 21.3 && ticks.last! >= 33.8)
    #expect(ticks == [20, 22, 24, 26, 28, 30, 32, 34])
  }
}
