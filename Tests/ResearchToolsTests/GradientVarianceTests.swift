import Codec
import Foundation
import Imaging
import ResearchTools
import Tensors
import Testing
import Training

/// A folder of small random-texture PNGs, removed when the test ends.
private final class ImageFolderFixture {
  let path = NSTemporaryDirectory() + "gradient-variance-tests-" + UUID().uuidString

  init(images: Int, side: Int) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    var rng = SplitMix64(seed: 7)
    for i in 0..<images {
      var pixels = [UInt8](repeating: 0, count: side * side * 3)
      for y in 0..<side {
        for x in 0..<side {
          for c in 0..<3 {
            let smooth = (x * (c + 1) + y * (3 - c)) * 255 / (4 * side)
            pixels[(y * side + x) * 3 + c] = UInt8(clamping: smooth + Int(rng.next() % 64))
          }
        }
      }
      let png = try RGBImage(width: side, height: side, pixels: pixels).pngData()
      try AtomicFile.write(png, to: path + "/image\(i).png")
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite struct GradientVarianceTests {
  /// The tiny preset, 2 images of 16×16 per batch: a meter for `variant` on a fresh model.
  private func meter(_ variant: EstimatorVariant, folder: String) throws -> GradientVariance {
    let configuration = ModelConfiguration.presets["tiny"]!
    var options = TrainingOptions(configuration: configuration)
    (options.batch, options.crop) = (2, 16)
    var rng = SplitMix64(seed: 1)
    let model = VQModel(configuration, estimator: variant.estimator, using: &rng)
    return GradientVariance(
      model: model, variant: variant, options: options, dataset: try ImageDataset(folder: folder, crop: 16))
  }

  @Test func straightThroughIsDeterministicOnOneBatch() throws {
    let images = try ImageFolderFixture(images: 3, side: 24)
    let meter = try meter(.straightThrough, folder: images.path)
    var rng = SplitMix64(seed: 2)
    let batch = meter.dataset(using: &rng)
    meter.prepare(on: batch, using: &rng)
    let same = meter.sameBatch(batch, samples: 3, using: &rng)
    #expect(same.totalVariance == 0)
    #expect(same.meanNorm > 0)
    #expect(same.signalToNoise == .infinity)
    let across = meter.acrossBatches(3, using: &rng)
    #expect(across.totalVariance > 0)
  }

  @Test(arguments: [EstimatorVariant.reinforce, .reinforceNoBaseline, .gumbel])
  func samplingEstimatorsVaryOnOneBatch(_ variant: EstimatorVariant) throws {
    let images = try ImageFolderFixture(images: 3, side: 24)
    let meter = try meter(variant, folder: images.path)
    var rng = SplitMix64(seed: 2)
    let batch = meter.dataset(using: &rng)
    meter.warmUpBaseline(batches: 2, using: &rng)
    #expect((meter.baseline != nil) == (variant == .reinforce))
    let before = meter.baseline
    let same = meter.sameBatch(batch, samples: 4, using: &rng)
    #expect(same.totalVariance > 0)
    #expect(same.signalToNoise.isFinite)
    #expect(meter.baseline == before)  // frozen while measuring
    #expect(same.mean.count == meter.parameterCount)
  }

  @Test func transplantKeepsTheNearestCodeAsTheMode() throws {
    let images = try ImageFolderFixture(images: 3, side: 24)
    let meter = try meter(.straightThrough, folder: images.path)
    var rng = SplitMix64(seed: 3)
    let batch = meter.dataset(using: &rng)
    meter.prepare(on: batch, using: &rng)
    let source = meter.model
    let t = source.meanNearestDistance(on: batch)
    #expect(t > 0)
    for estimator in [Estimator.gumbel, .reinforce] {
      let model = VQModel.transplanted(from: source, to: estimator, logitTemperature: t)
      let image = Tensor(
        shape: [1] + Array(batch.shape.dropFirst()), scalars: Array(batch.scalars.prefix(batch.count / batch.shape[0])))
      #expect(model.indices(for: image, stages: 1)[0] == source.indices(for: image, stages: 1)[0])
    }
  }
}
