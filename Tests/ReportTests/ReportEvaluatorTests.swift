import Bitstream
import Codec
import Foundation
import Imaging
import Testing

@testable import Report

/// The report's numbers against independent recomputations from the files the codec writes.
struct ReportEvaluatorTests {
  let fixture = ReportFixture.self

  @Test func operatingPointsAreEveryStagePrefix() {
    #expect(fixture.evaluator.operatingPoints.map(\.label) == ["tiny@1", "tiny@2"])
    #expect(fixture.report.measurements.count == fixture.images.count * 2)
  }

  /// bpp, bits per latent and latent counts as `vqcodec info` computes them from the same `.vq` bytes.
  @Test func ratesMatchTheInfoComputation() throws {
    for (image, evaluation) in zip(fixture.images, fixture.evaluations) {
      for m in evaluation.measurements {
        let bytes = try fixture.codec.encode(image.image, stages: m.operatingPoint.stages)
        let c = try VQContainer.parse(bytes)
        let payloadBits = c.stages.reduce(0) { $0 + 8 * $1.bytes.count }
        #expect(m.rates.byteCount == bytes.count)
        #expect(m.bitsPerPixel == 8 * Double(bytes.count) / Double(c.imageWidth * c.imageHeight))
        #expect(m.rates.bitsPerLatentFixed == Double(Int(ceil(log2(Double(c.codebookSize))))) * Double(c.stages.count))
        #expect(m.rates.bitsPerLatentCoded == Double(payloadBits) / Double(c.latentWidth * c.latentHeight))
        #expect(m.rates.latentCount == c.latentWidth * c.latentHeight)
        #expect(abs(m.compressionRatioToRaw / (24 / m.bitsPerPixel) - 1) < 1e-12)
        #expect(abs(m.compressionRatioToSource / (Double(image.sourceByteCount) / Double(bytes.count)) - 1) < 1e-12)
      }
    }
  }

  /// PSNR recomputed here from the decoded pixels, for our files and the matched JPEGs.
  @Test func psnrMatchesAnIndependentRecomputation() throws {
    for (image, evaluation) in zip(fixture.images, fixture.evaluations) {
      for (m, comparison) in zip(evaluation.measurements, evaluation.comparisons) {
        let decoded = try fixture.codec.decode(try fixture.codec.encode(image.image, stages: m.operatingPoint.stages))
        #expect(decoded == comparison.decoded)
        #expect(abs(m.psnr - Self.psnr(image.image, decoded)) < 1e-9)
        let jpeg = try ImageFile.decode(data: try image.image.jpegData(quality: m.jpeg.quality)).image
        #expect(abs(m.jpeg.psnr - Self.psnr(image.image, jpeg)) < 1e-9)
      }
    }
  }

  @Test func msSSIMIsNilOnlyBelowTheMinimumSide() {
    for m in fixture.report.measurements {
      let isLarge = min(m.width, m.height) >= msSSIMMinimumSide
      #expect((m.msSSIM != nil) == isLarge)
      #expect((m.jpeg.msSSIM != nil) == isLarge)
    }
  }

  /// The chosen quality's bpp is at least as close to ours as its neighbours' (bisection on a monotone curve).
  @Test func jpegQualityIsTheClosestInRate() throws {
    for (image, evaluation) in zip(fixture.images, fixture.evaluations) {
      for m in evaluation.measurements {
        let bpp = { (q: Int) in
          8 * Double(try image.image.jpegData(quality: q).count) / Double(image.image.width * image.image.height)
        }
        #expect(try bpp(m.jpeg.quality) == m.jpeg.bitsPerPixel)
        for q in [m.jpeg.quality - 1, m.jpeg.quality + 1] where (1...100).contains(q) {
          #expect(abs(m.jpeg.bitsPerPixel - m.bitsPerPixel) <= abs(try bpp(q) - m.bitsPerPixel))
        }
      }
    }
  }

  /// Every latent of every image is counted once per stage.
  @Test func codebookUsageCountsEveryLatent() {
    let usage = fixture.report.codebookUsage
    #expect(usage.count == 1 && usage[0].stages.count == 2)
    let latents = fixture.report.measurements.filter { $0.operatingPoint.stages == 2 }.reduce(0) {
      $0 + $1.rates.latentCount
    }
    for stage in usage[0].stages {
      #expect(stage.total == latents)
      #expect(stage.codes == 16 && stage.maximumEntropyBits == 4)
      #expect(stage.entropyBits <= stage.maximumEntropyBits + 1e-12)
    }
  }

  @Test func stageSelectionKeepsWhatTheModelHas() {
    let stages = { (selection: PointSelection) in selection.points(modelName: "m", stageCount: 3).map(\.stages) }
    #expect(stages(.allStages) == [1, 2, 3])
    #expect(stages(.stageCounts([4, 2, 2, 1])) == [1, 2])
  }

  /// The default sweep covers 0...100 in at least 7 points that include every whole-stage file.
  @Test(arguments: [1, 2, 3, 4, 8])
  func qualitySweepCoversTheRangeAndTheStages(stageCount: Int) {
    let points = PointSelection.qualitySweep.points(modelName: "m", stageCount: stageCount)
    let qualities = points.compactMap(\.quality)
    #expect(qualities.count == points.count && qualities.count >= 7)
    #expect(qualities.first == 0 && qualities.last == 100 && qualities == qualities.sorted())
    #expect(points.allSatisfy { $0.stages == stageCount })
    for s in 1...stageCount {
      #expect(qualities.contains { abs($0 - 100 * Double(s) / Double(stageCount)) < 1e-9 }, "stage \(s)")
    }
    #expect(
      PointSelection.qualities([90, 10, 10]).points(modelName: "m", stageCount: 2).compactMap(\.quality) == [10, 90])
    #expect(OperatingPoint(modelName: "m", stages: 3, quality: 100.0 / 3).label == "m@q33.33")
    #expect(OperatingPoint(modelName: "m", stages: 3, quality: 50).label == "m@q50")
  }

  /// A quality point measures `encode(_:quality:)`'s file: its bytes and rate, and usage without skips.
  @Test func qualityPointsMeasureTheQualityFile() throws {
    let evaluator = ReportEvaluator(
      codecs: [NamedCodec(name: "tiny", codec: fixture.codec)], selection: .qualities([25, 100]))
    let image = fixture.images[0]
    let evaluation = try evaluator.evaluate(image)
    for m in evaluation.measurements {
      let bytes = try fixture.codec.encode(image.image, quality: m.operatingPoint.quality!)
      #expect(m.rates.byteCount == bytes.count)
      #expect(abs(m.psnr - Self.psnr(image.image, try fixture.codec.decode(bytes))) < 1e-9)
    }
    let usage = evaluator.codebookUsage[0].stages
    #expect(usage.count == 2 && usage.allSatisfy { $0.codes == 16 })
  }

  static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
    var sum = 0.0
    for (x, y) in zip(a.pixels, b.pixels) { sum += (Double(x) - Double(y)) * (Double(x) - Double(y)) }
    return 10 * log10(255 * 255 / (sum / Double(a.pixels.count)))
  }
}
