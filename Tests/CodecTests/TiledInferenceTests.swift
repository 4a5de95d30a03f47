import Imaging
import Tensors
import Testing

@testable import Codec

/// Tiles must reproduce the untiled computation exactly, or seams could show.
struct TiledInferenceTests {
  @Test(arguments: ["tiny", "f8-rq4", "f16-rq8", "f8-gdn"])
  func tilesMatchTheUntiledResult(preset: String) {
    var rng = SplitMix64(seed: 11)
    let model = VQModel(ModelConfiguration.presets[preset]!, using: &rng)
    let f = model.configuration.downsampling
    let (w, h) = (5 * f + 3, 4 * f - 2)
    let image = RGBImage(
      width: w, height: h, pixels: (0..<(w * h * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    let whole = TiledInference(model: model, tileLatents: 1000)
    let tiled = TiledInference(model: model, tileLatents: 2)
    let stages = model.stageCount
    let indices = whole.indices(for: image, stages: stages)
    #expect(tiled.indices(for: image, stages: stages) == indices)
    #expect(tiled.image(from: indices, width: w, height: h) == whole.image(from: indices, width: w, height: h))
  }
}
