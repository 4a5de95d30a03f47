/// Coders 2 and 3 (FORMAT.md §4.3, §4.4): for each position in raster order, "equals candidate i?" flags over the
/// distinct neighbour values, each with an adaptive binary context; if every flag says no, the value itself with an
/// adaptive frequency model from which the candidates are excluded (`ContextModel`).
///
/// VQ index maps have near-uniform marginals but long runs of repeated indices, so the flags carry the gain:
/// a flat region costs a few hundredths of a bit per index, and a fresh index costs about log2 K.
enum ContextModelCoder {
  /// Codes `values` (each below the symbol model's alphabet) with a fresh state.
  static func encode(
    _ values: [UInt16], width: Int, symbols: AdaptiveFrequencyModel, previousStage: [UInt16]?
  ) -> [UInt8] {
    var model = ContextModel(symbols: symbols)
    var encoder = RangeEncoder()
    for position in values.indices {
      model.code(values, width: width, position: position, previousStage: previousStage, into: &encoder)
    }
    return encoder.finish()
  }

  /// Allocates the `height × width` grid only; every step is bounded, so malformed bytes end in a throw.
  static func decode(
    _ payload: [UInt8], height: Int, width: Int, symbols: AdaptiveFrequencyModel, previousStage: [UInt16]?
  ) throws(FormatError) -> [UInt16] {
    var model = ContextModel(symbols: symbols)
    var decoder = try RangeDecoder(payload)
    var values = [UInt16](repeating: 0, count: height * width)
    for position in values.indices {
      values[position] = try model.decode(
        values, width: width, position: position, previousStage: previousStage, from: &decoder)
    }
    guard decoder.isAtEnd else { throw .malformedPayload(reason: "adaptive range payload has unread bytes") }
    return values
  }
}
