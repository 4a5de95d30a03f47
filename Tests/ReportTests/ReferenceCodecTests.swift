import Foundation
import Imaging
import Testing

@testable import Report

/// The reference codecs: sizes are the files' sizes, decodes are the tools' pictures, curves are per-setting
/// means, and a failing tool is a clear error. WebP, AVIF and JPEG XL run where `webp`, `libavif-bin` and
/// `libjxl-tools` are installed (`.ci/run` installs them).
struct ReferenceCodecTests {
  static let image = ReportFixture.images[2]

  @Test func jpegSweepMatchesLibjpegAtEachQuality() throws {
    let rows = try ReferenceCodec.jpeg.measure(Self.image, threads: 1)
    #expect(rows.map(\.setting) == ReferenceCodec.jpeg.settings)
    for row in rows {
      let bytes = try Self.image.image.jpegData(quality: Int(row.setting))
      let decoded = try ImageFile.decode(data: bytes).image
      #expect(row.byteCount == bytes.count)
      #expect(row.psnr == psnr(Self.image.image, decoded))
      #expect(row.msSSIM != nil)
    }
    #expect(rows.first!.bitsPerPixel < rows.last!.bitsPerPixel && rows.first!.psnr < rows.last!.psnr)
  }

  @Test(
    .enabled(if: [ReferenceCodec.webp, .avif, .jxl].allSatisfy { $0.missingTools == nil }),
    arguments: [ReferenceCodec.webp, ReferenceCodec.avif, ReferenceCodec.jxl])
  func commandLineCodecsCodeAtEverySetting(codec: ReferenceCodec) throws {
    let rows = try codec.measure(Self.image, threads: 2)
    #expect(rows.map(\.setting) == codec.settings)
    let pixels = Double(Self.image.image.width * Self.image.image.height)
    for row in rows {
      #expect(row.bitsPerPixel == 8 * Double(row.byteCount) / pixels)
      #expect(row.psnr > 15 && row.psnr < 60, "\(codec.name) \(row.setting): \(row.psnr) dB")
    }
    let sorted = rows.sorted { $0.bitsPerPixel < $1.bitsPerPixel }
    #expect(sorted.first!.psnr < sorted.last!.psnr)
    let prefix = ReferenceCodec.temporaryFolderPrefix(codec.name)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).allSatisfy {
        !$0.hasPrefix(prefix)
      })
  }

  @Test func curvesAverageSettingsMeasuredOnEveryImage() throws {
    func row(_ image: String, _ setting: Double, _ bpp: Double, _ psnr: Double) -> ReferenceMeasurement {
      ReferenceMeasurement(
        imageName: image, codecName: "JPEG", setting: setting, byteCount: 1, bitsPerPixel: bpp, psnr: psnr,
        msSSIM: nil)
    }
    let rows = [row("a", 5, 0.2, 24), row("b", 5, 0.4, 26), row("a", 10, 0.5, 28), row("a", 1, 0.1, 20)]
    let curve = try #require(ReferenceCurve(codec: .jpeg, measurements: rows + [row("b", 1, 0.1, 22)]))
    #expect(curve.settings == [1, 5])
    #expect(curve.points.map(\.bitsPerPixel) == [0.1, 0.30000000000000004])
    #expect(curve.points.map(\.psnr) == [21, 25])
    #expect(curve.psnr(atBitsPerPixel: 0.2) == 23)
    #expect(curve.psnr(atBitsPerPixel: 0.05) == nil && curve.psnr(atBitsPerPixel: 0.4) == nil)
    #expect(ReferenceCurve(codec: .webp, measurements: rows) == nil)
  }

  @Test func aFailingToolIsAnErrorWithItsMessage() {
    let error = #expect(throws: ReferenceCodecError.self) {
      try ExternalTool.run("sh", ["-c", "echo first >&2; echo 'cannot read input' >&2; exit 3"])
    }
    #expect(error?.description.hasSuffix("failed (status 3): cannot read input") == true)
    let missing = #expect(throws: ReferenceCodecError.self) {
      try ExternalTool.run("vqcodec-no-such-tool", [])
    }
    #expect(missing?.description == "vqcodec-no-such-tool is not on PATH")
  }
}
