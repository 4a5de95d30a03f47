import Imaging

/// The pictures of one image for the HTML page, encoded while the decodings are in memory so that only a few
/// small files per image are kept: a thumbnail of the original, its most detailed square at full resolution,
/// and per operating point a `ComparisonPanel`.
public struct ImageFigure {
  /// Side of the square crop, in source pixels (shown zoomed).
  static let cropSide = 128
  /// Width of thumbnails and heat maps, at most.
  static let thumbnailWidth = 256

  let imageName: String
  let width: Int
  let height: Int
  /// The crop's top-left corner in source pixels.
  let cropOrigin: (x: Int, y: Int)
  let cropSide: Int
  /// JPEG quality 90: only for recognising the image, never compared.
  let thumbnailJPEG: [UInt8]
  let thumbnailWidth: Int
  let originalCropPNG: [UInt8]
  let panels: [ComparisonPanel]

  public init(evaluation: ImageEvaluation) throws {
    let original = evaluation.image.image
    let origin = original.mostDetailedSquare(side: Self.cropSide)
    func crop(_ image: RGBImage) throws -> [UInt8] {
      try image.cropped(x: origin.x, y: origin.y, side: Self.cropSide).pngData()
    }
    func heatMap(_ decoded: RGBImage) throws -> [UInt8] {
      try ErrorHeatMap.image(original: original, decoded: decoded).downscaled(toWidthAtMost: Self.thumbnailWidth)
        .pngData()
    }
    imageName = evaluation.image.name
    (width, height) = (original.width, original.height)
    cropOrigin = origin
    cropSide = min(Self.cropSide, original.width - origin.x, original.height - origin.y)
    let thumbnail = original.downscaled(toWidthAtMost: Self.thumbnailWidth)
    thumbnailJPEG = try thumbnail.jpegData(quality: 90)
    thumbnailWidth = thumbnail.width
    originalCropPNG = try crop(original)
    panels = try zip(evaluation.measurements, evaluation.comparisons).map { measurement, comparison in
      ComparisonPanel(
        measurement: measurement, decodedCropPNG: try crop(comparison.decoded), jpegCropPNG: try crop(comparison.jpeg),
        decodedHeatMapPNG: try heatMap(comparison.decoded), jpegHeatMapPNG: try heatMap(comparison.jpeg))
    }
  }
}
