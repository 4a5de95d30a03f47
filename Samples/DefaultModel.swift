import Foundation

/// The model `encode`, `decode` and `report` use without `--model`: `Samples/default.vqm`, shipped as a SwiftPM
/// resource so that `swift run` and the built executable both find it.
public enum DefaultModel {
  public static var url: URL? { Bundle.module.url(forResource: "default", withExtension: "vqm") }

  public static func bytes() throws -> [UInt8] {
    guard let url, let data = FileManager.default.contents(atPath: url.path) else {
      throw DefaultModelMissing()
    }
    return [UInt8](data)
  }
}

public struct DefaultModelMissing: Error, CustomStringConvertible {
  public var description: String {
    "the default model (Samples/default.vqm) is not in this build's resources"
  }
}
