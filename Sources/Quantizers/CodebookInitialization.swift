/// Where a nearest-code quantizer's codebook starts.
public enum CodebookInitialization: Equatable, Sendable {
  /// Uniform in ±1/K, as created (VQ-VAE). Prone to collapse when encoder outputs live elsewhere.
  case random
  /// k-means++ seeding plus `iterations` Lloyd iterations on the encoder outputs of the first training batch.
  case kMeansPlusPlus(iterations: Int)
}
