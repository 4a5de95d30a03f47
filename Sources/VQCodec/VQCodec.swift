import Codec
import DefaultModel
import Foundation
import Imaging

/// An 8-bit RGB image: interleaved samples, rows top to bottom (``VQCodec/VQCodec`` reads and writes these).
public typealias Image = RGBImage

/// Encodes images into `.vq` files and decodes them, with the model vqcodec ships or a trained one.
///
/// ```swift
/// let codec = try VQCodec()
/// let file = try codec.encode(VQCodec.readImage(at: "photo.jpg"), quality: 60)
/// let image = try codec.decode(file)
/// print(VQCodec.measure(original: try VQCodec.readImage(at: "photo.jpg"), decoded: image))
/// ```
///
/// A codec only reads its model once loaded, so one value may be shared by several threads.
public struct VQCodec: Sendable {
  private let codec: ImageCodec

  /// The model shipped with vqcodec (`Samples/default.vqm`).
  public init() throws { try self.init(modelBytes: try DefaultModel.bytes()) }

  /// A model shipped with vqcodec by name: `"default"`, or `"high"` for the rates above the default's (README).
  public init(shippedModel name: String) throws { try self.init(modelBytes: try DefaultModel.bytes(named: name)) }

  /// A `.vqm` model file, as `vqcodec train` writes it.
  public init(modelAt path: String) throws { try self.init(modelBytes: try FileBytes.read(path: path)) }

  /// A `.vqm` model held in memory.
  public init(modelBytes: [UInt8]) throws { codec = try ImageCodec(modelBytes: modelBytes) }

  /// How many residual stages the model has: the most a file can carry (more stages, more bits, better quality).
  public var stageCount: Int { codec.stageCount }

  /// The 16 bytes that every `.vq` file made with this model names; a file decodes only with the same model.
  public var modelFingerprint: [UInt8] { codec.fingerprint }

  /// The `.vq` file of `image`, from its first `stages` stages (all when nil).
  public func encode(_ image: Image, stages: Int? = nil) throws -> [UInt8] {
    try codec.encode(image, stages: stages)
  }

  /// The `.vq` file of `image` at `quality`, 0...100 (higher: more bits, a better picture), over the first `stages`
  /// stages (all when nil); the rate varies continuously with the quality. `effort` (0...200) refines the latents
  /// for this image in that many steps, each about a decode and its gradient: slower, a better picture at nearly
  /// the same size.
  public func encode(_ image: Image, quality: Double, stages: Int? = nil, effort: Int = 0) throws -> [UInt8] {
    try codec.encode(image, quality: quality, stages: stages, effort: effort)
  }

  /// The `.vq` file of `image` at the highest quality whose file is at most `maximumBytes` long (quality 0 when none
  /// fits: compare the result's size), and that quality.
  public func encode(
    _ image: Image, maximumBytes: Int, effort: Int = 0
  ) throws -> (file: [UInt8], quality: Double) {
    let fitted = try codec.encode(image, fittingIn: maximumBytes, effort: effort)
    return (fitted.bytes, fitted.quality)
  }

  /// The `.vq` file of the PNG or JPEG at `path`, turned as its EXIF orientation says.
  public func encode(fileAt path: String, stages: Int? = nil) throws -> [UInt8] {
    let decoded = try ImageFile.read(path: path)
    return try codec.encode(decoded.image, stages: stages, channels: decoded.droppedAlpha ? 4 : 3)
  }

  /// The image of a `.vq` file, from its first `stages` stages (all when nil: a lower quality from the same file).
  public func decode(_ file: [UInt8], stages: Int? = nil) throws -> Image {
    try codec.decode(file, stages: stages)
  }

  /// Decodes a `.vq` file into a PNG file at `path`, written atomically and streamed in bands (bounded memory for
  /// any image size).
  public func decode(_ file: [UInt8], toPNGAt path: String, stages: Int? = nil) throws {
    try codec.decodePNG(file, stages: stages) { try OutputFile(path: path) }
  }

  /// A PNG or JPEG file as an image, turned as its EXIF orientation says.
  public static func readImage(at path: String) throws -> Image { try ImageFile.read(path: path).image }

  /// How close a decoded image is to its original: what `vqcodec report` measures.
  public static func measure(original: Image, decoded: Image) -> Measurement {
    Measurement(psnr: psnr(original, decoded), msSSIM: msSSIM(original, decoded))
  }

  /// PSNR in dB over the RGB samples (peak 255), and MS-SSIM on luma (nil for images under 161 pixels a side, too
  /// small for its five scales).
  public struct Measurement: Equatable, Sendable {
    public let psnr: Double
    public let msSSIM: Double?
  }
}
