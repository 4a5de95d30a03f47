/// One image coded by a reference codec at one setting.
public struct ReferenceMeasurement: Equatable, Sendable {
  public let imageName: String
  public let codecName: String
  public let setting: Double
  /// The whole file's size, as the tool wrote it.
  public let byteCount: Int
  public let bitsPerPixel: Double
  public let psnr: Double
  /// Nil below `msSSIMMinimumSide` pixels per side.
  public let msSSIM: Double?
}
