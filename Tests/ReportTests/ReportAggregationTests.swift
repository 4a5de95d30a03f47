import Codec
import Testing

@testable import Report

/// Aggregates are means of per-image values (CompressAI's convention), never pooled.
struct ReportAggregationTests {
  @Test func summariesAreMeansOfPerImageValues() throws {
    let report = ReportFixture.report
    #expect(report.summaries.count == 2)
    for s in report.summaries {
      let rows = report.measurements.filter { $0.operatingPoint == s.operatingPoint }
      func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
      #expect(s.imageCount == rows.count)
      #expect(s.ours.bitsPerPixel == mean(rows.map(\.bitsPerPixel)))
      #expect(s.ours.psnr == mean(rows.map(\.psnr)))
      #expect(s.ours.msSSIM == mean(rows.compactMap(\.msSSIM)))
      #expect(s.msSSIMImageCount == 1)
      #expect(s.encodeSeconds == mean(rows.map(\.encodeSeconds)))
      #expect(s.decodeSeconds == mean(rows.map(\.decodeSeconds)))
      #expect(s.bitsPerLatentCoded == mean(rows.map(\.rates.bitsPerLatentCoded)))
      #expect(s.jpeg.psnr == mean(rows.map(\.jpeg.psnr)))
      #expect(s.jpeg.bitsPerPixel == mean(rows.map(\.jpeg.bitsPerPixel)))
      // A pooled rate (total bytes over total pixels) differs here, since the images differ in size.
      let pooled =
        8 * Double(rows.reduce(0) { $0 + $1.rates.byteCount }) / Double(rows.reduce(0) { $0 + $1.width * $1.height })
      #expect(abs(s.ours.bitsPerPixel - pooled) > 1e-6)
    }
  }

  @Test func curvesPairOursWithJPEGPerModel() {
    let curves = ReportFixture.report.curves
    #expect(curves.map(\.name) == ["tiny", "JPEG at tiny's rates"])
    #expect(curves[0].points.map(\.bitsPerPixel) == curves[0].points.map(\.bitsPerPixel).sorted())
    #expect(curves[1].points.count == 2)
  }
}
