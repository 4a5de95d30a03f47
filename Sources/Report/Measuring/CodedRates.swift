import Bitstream
import Codec

/// The rates of one `.vq` file, computed from its bytes exactly as `vqcodec info` does: bits per pixel count the
/// whole file (header and checksum included); bits per latent count the stage payloads only.
public struct CodedRates: Equatable, Sendable {
  public let byteCount: Int
  public let pixelCount: Int
  /// Latent positions per stage: `ceil(W / f) · ceil(H / f)`.
  public let latentCount: Int
  public let stages: Int
  public let codebookSize: Int
  /// Bits of the stage payloads, all stages together.
  public let payloadBitCount: Int

  /// Parses the container (checksum included); throws `CodecError.corruptFile` on malformed bytes.
  public init(vqBytes: [UInt8]) throws(CodecError) {
    let container: VQContainer
    do { container = try VQContainer.parse(vqBytes) } catch { throw .corruptFile(error) }
    byteCount = vqBytes.count
    pixelCount = container.imageWidth * container.imageHeight
    latentCount = container.latentWidth * container.latentHeight
    stages = container.stages.count
    codebookSize = container.codebookSize
    payloadBitCount = container.stages.reduce(0) { $0 + 8 * $1.bytes.count }
  }

  /// `8 · bytes / (W · H)`.
  public var bitsPerPixel: Double { 8 * Double(byteCount) / Double(pixelCount) }
  /// `ceil(log2 K) · stages`: what fixed-width packing spends per latent position.
  public var bitsPerLatentFixed: Double {
    Double(FixedWidthCoder.bitsPerIndex(codebookSize: codebookSize) * stages)
  }
  /// Payload bits per latent position, as coded.
  public var bitsPerLatentCoded: Double { Double(payloadBitCount) / Double(latentCount) }
}
