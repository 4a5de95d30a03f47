/// How a nearest-code quantizer learns its codebook.
public enum CodebookUpdate: Equatable, Sendable {
  /// By gradient through the codebook loss `‖sg[z_e] − q‖²` (the codebook is an optimizer parameter).
  case gradient
  /// By exponential moving averages of cluster sizes and sums (van den Oord et al. 2017, appendix A.1), with
  /// Laplace-smoothed sizes; the loss keeps only the commitment term. The usual `decay` is 0.99.
  case ema(decay: Float)
}
