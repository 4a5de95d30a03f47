import DefaultModel
import Foundation
import Imaging
import Testing

@testable import Codec

/// `encode(…, effort:)`: latents refined for the image decode no worse than the encoder's own, and a real photo
/// with the shipped model decodes better at nearly the same size.
struct RefinementTests {
  /// A 64×64 crop of the sample photo (rows and columns from 160): a parrot's head, with edges and flat areas.
  static func photoCrop() throws -> RGBImage {
    let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Samples/Images/parrots.png")
    let image = try ImageFile.decode(data: [UInt8](Data(contentsOf: sample))).image
    var pixels: [UInt8] = []
    for y in 160..<224 { pixels += image.pixels[(y * image.width + 160) * 3..<(y * image.width + 224) * 3] }
    return RGBImage(width: 64, height: 64, pixels: pixels)
  }

  @Test func refinedLatentsDecodeNoWorseThanTheEncodersOwn() throws {
    let model = makeModel(seed: 7)
    let image = testImage(width: 40, height: 24, seed: 5)
    let f = model.configuration.downsampling
    let (height, width) = ((image.height + f - 1) / f, (image.width + f - 1) / f)
    let latents = TiledInference(model: model).latents(for: image)
    let refinement = LatentRefinement(
      model: model, quantizer: RateDistortionQuantizer(codebooks: model.codebooks, priors: nil), height: height,
      width: width)
    for stages in 1...model.stageCount {
      let refined = refinement.refine(latents, toward: image, stages: stages, steps: 4)
      let before = refinement.decodedError(of: latents, toward: image, stages: stages)
      let after = refinement.decodedError(of: refined, toward: image, stages: stages)
      #expect(after <= before, "\(stages) stages: \(after) > \(before)")
    }
    #expect(refinement.refine(latents, toward: image, stages: 1, steps: 0) == latents)
  }

  @Test func aPhotoDecodesBetterAtNearlyTheSameSize() throws {
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    let image = try Self.photoCrop()
    let plain = try codec.encode(image, quality: 100)
    let refined = try codec.encode(image, quality: 100, effort: 4)
    let (before, after) = (psnr(image, try codec.decode(plain)), psnr(image, try codec.decode(refined)))
    #expect(after > before + 0.05, "PSNR \(before) → \(after) dB")
    #expect(Double(refined.count) < 1.1 * Double(plain.count), "\(plain.count) → \(refined.count) bytes")
  }

  @Test func effortOutsideItsRangeOrOnAHugeImageIsRefused() throws {
    let codec = try ImageCodec(modelBytes: ModelFile.serialize(makeModel(seed: 7)))
    let small = testImage(width: 16, height: 16, seed: 1)
    #expect(throws: CodecError.invalidEffort(-1)) { try codec.encode(small, quality: 50, effort: -1) }
    #expect(throws: CodecError.invalidEffort(201)) { try codec.encode(small, fittingIn: 100, effort: 201) }
    let side = Int(Double(ImageCodec.maximumRefinedPixelCount).squareRoot()) + 1
    let huge = RGBImage(width: side, height: side, pixels: [UInt8](repeating: 90, count: side * side * 3))
    #expect {
      try codec.encode(huge, quality: 50, effort: 1)
    } throws: { error in
      guard case .unsupportedImage(let why) = error as? CodecError else { return false }
      return why.contains("effort")
    }
  }
}
