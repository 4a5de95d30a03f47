import Imaging

/// The pictures behind one measurement: our decoding and the JPEG at the same rate, for the HTML page.
public struct ImageComparison: Sendable {
  public let operatingPoint: OperatingPoint
  public let decoded: RGBImage
  public let jpeg: RGBImage
}
