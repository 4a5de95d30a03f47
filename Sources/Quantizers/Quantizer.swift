import Tensors

/// Maps encoder output `z_e [N, H, W, D]` to the decoder's input `[N, H, W, D]` through discrete codes.
///
/// A training step with any quantizer:
/// 1. `let out = quantizer.quantize(zE, on: tape, using: &rng)` on a recording tape;
/// 2. the decoder consumes `out.quantized`; the objective adds `out.loss` (REINFORCE: see `ReinforceQuantizer`);
/// 3. `tape.backward`, optimizer step over `parameters` (plus the encoder's and decoder's);
/// 4. `quantizer.finishStep(using: &rng)` (EMA codebook updates and dead-code restarts happen here).
///
/// On an inference tape (`Tape(isRecording: false)`) `quantize` is deterministic and changes no state.
public protocol Quantizer: AnyObject {
  /// The variables the optimizer trains (projection weights, codebooks learned by gradient).
  var parameters: [Variable] { get }
  /// `K`, codes per stage.
  var codes: Int { get }
  /// Quantizes a batch; on a recording tape it may also draw samples and record state for `finishStep`.
  func quantize(_ z: Variable, on tape: Tape, using rng: inout some RandomNumberGenerator) -> QuantizerOutput
  /// Updates that happen after the optimizer step: EMA codebooks, restarts of dead codes. A no-op by default.
  func finishStep(using rng: inout some RandomNumberGenerator)
}

extension Quantizer {
  public func finishStep(using rng: inout some RandomNumberGenerator) {}
}
