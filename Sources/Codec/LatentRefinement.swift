import Imaging
import Layers
import Tensors

/// Encoder-side refinement of the latents (`encode --effort N`): N steps of Adam that move the encoder's latents so
/// that their codes decode closer to the image, the decoder's weights fixed.
///
/// Each step quantizes the latents the way the file will (`RateDistortionQuantizer.wholeStages`), decodes the codes
/// on a recording tape and takes the gradient of the squared error with respect to the decoder's input: the
/// straight-through estimate of the gradient with respect to the latents (their codes change only where a step
/// crosses into another code's cell). The encoder is trained to be good on average; this is good for one image.
/// The latents of the step whose codes decoded best are kept, the encoder's own among them, so refinement never
/// makes the decoded squared error (before clamping and rounding) worse. Measured on Kodak in Docs/BENCHMARKS.md.
struct LatentRefinement {
  let model: VQModel
  let quantizer: RateDistortionQuantizer
  /// The latent grid's height and width.
  let height: Int, width: Int

  /// Adam's step, in latent units: about 2% of a first-stage code's typical component (0.17 for the shipped model).
  static let learningRate: Float = 0.003
  /// The largest image refined: a decode on a recording tape holds about 460 bytes per pixel (measured with the
  /// shipped model: 365 MB peak for a 768×512 image at effort 15, 184 MB at 0), so about 1 GB here.
  static let maximumPixelCount = 2_000_000

  /// Latents whose first `stages` whole stages decode at least as close to `image` as those of `latents` do.
  func refine(_ latents: [Float], toward image: RGBImage, stages: Int, steps: Int) -> [Float] {
    let target = self.target(image)
    let z = Variable(Tensor(shape: [height * width * model.configuration.latentDimension], scalars: latents))
    let adam = Adam(parameters: [z], learningRate: Self.learningRate)
    var best = (latents: latents, error: Float.infinity)
    for step in 0...steps {
      let (error, gradient) = decodedError(of: z.value.scalars, target: target, stages: stages, gradient: step < steps)
      if error < best.error { best = (z.value.scalars, error) }
      guard let gradient else { break }
      z.grad = gradient
      adam.update()
    }
    return best.latents
  }

  /// What `refine` minimises: the mean squared error of the decoded codes of `latents` (their first `stages` whole
  /// stages) against `image`, over the image padded to a multiple of f as the encoder sees it.
  func decodedError(of latents: [Float], toward image: RGBImage, stages: Int) -> Float {
    decodedError(of: latents, target: target(image), stages: stages, gradient: false).0
  }

  private func target(_ image: RGBImage) -> Variable {
    Variable(image.tensor(paddedToMultipleOf: model.configuration.downsampling), requiresGrad: false)
  }

  /// `decodedError`, and its gradient with respect to the decoder's input when asked.
  private func decodedError(
    of latents: [Float], target: Variable, stages: Int, gradient: Bool
  ) -> (Float, [Float]?) {
    let grids = quantizer.wholeStages(latents, height: height, width: width, count: stages)
    var quantized = [Float](repeating: 0, count: latents.count)
    for (stage, grid) in grids.enumerated() {
      quantizer.codebooks[stage].addCodes(grid.map(Int32.init), into: &quantized)
    }
    let shape = [1, height, width, model.configuration.latentDimension]
    let input = Variable(Tensor(shape: shape, scalars: quantized), requiresGrad: gradient)
    let tape = Tape(isRecording: gradient, constants: model.decoder.parameters)
    let error = tape.meanSquaredError(model.decoder(input, on: tape), target)
    guard gradient else { return (error.value.scalars[0], nil) }
    tape.backward(from: error)
    return (error.value.scalars[0], input.grad)
  }
}
