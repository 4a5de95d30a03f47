import Glibc
import Quantizers
import Tensors

/// One training pass through the network: what the trainer, the gradient-variance tool and the benchmark all
/// differentiate, assembled in one place.
public struct ModelForward {
  public let reconstruction: Variable
  public let quantizer: QuantizerOutput
  public let meanSquaredError: Variable
  /// `log p(x|z)` per image, shape `[N, 1]` (see `gaussianLogLikelihood`).
  public let logLikelihood: Variable
  /// The estimator's loss: MSE plus the quantizer's terms, or REINFORCE's surrogate (which also folds this batch
  /// into its running baseline).
  public let loss: Variable
}

extension VQModel {
  /// Encodes, quantizes (sampling from `rng` where the estimator samples) and decodes `x` on a recording tape.
  /// `activeStages` fixes how many residual stages run (the draw of quantizer dropout, made once for all the
  /// shards of a step; 0 passes the latents unquantized); nil lets the quantizer draw it from `rng`.
  public func forward(
    _ x: Variable, on tape: Tape, likelihoodSigma: Float, activeStages: Int? = nil, using rng: inout SplitMix64
  ) -> ModelForward {
    let z = encoder(x, on: tape)
    let output: QuantizerOutput
    if case .residual(let q) = bottleneck, let activeStages {
      output = q.quantize(z, stages: activeStages, on: tape, using: &rng)
    } else {
      output = bottleneck.quantizer.quantize(z, on: tape, using: &rng)
    }
    let xHat = decoder(output.quantized, on: tape)
    let mse = tape.meanSquaredError(xHat, x)
    let logLikelihood = gaussianLogLikelihood(xHat, x, sigma: likelihoodSigma, on: tape)
    let loss: Variable
    if case .reinforce(let q) = bottleneck {
      loss = q.surrogateLoss(logLikelihood: logLikelihood, for: output, on: tape)
    } else {
      loss = tape.add(mse, output.loss)
    }
    return ModelForward(
      reconstruction: xHat, quantizer: output, meanSquaredError: mse, logLikelihood: logLikelihood, loss: loss)
  }
}

/// `log p(x|z)` per image under a Gaussian with standard deviation σ: `−‖x − x̂‖²/(2σ²) − (P/2)·log(2πσ²)`, shape
/// `[N, 1]` (P values per image).
public func gaussianLogLikelihood(_ xHat: Variable, _ x: Variable, sigma: Float, on tape: Tape) -> Variable {
  let n = x.shape[0]
  let perImage = x.value.count / n
  let squared = tape.square(tape.subtract(xHat, x))
  let sse = tape.sum(tape.reshaped(squared, to: [n, perImage]), axis: 1)
  let constant = Float(perImage) / 2 * logf(2 * Float.pi * sigma * sigma)
  return tape.add(tape.scaled(sse, by: -1 / (2 * sigma * sigma)), Variable(Tensor(-constant), requiresGrad: false))
}
