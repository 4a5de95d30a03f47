import Foundation

/// The models vqcodec ships, each a SwiftPM resource `Samples/NAME.vqm` so that `swift run` and the built executable
/// both find them: `default`, which `encode`, `decode` and `report` use without `--model`, and `high`, for the rates
/// above the default's top (`Docs/BENCHMARKS.md`).
public enum DefaultModel {
  /// The shipped models' names, the default first.
  public static let names = ["default", "high"]

  public static func bytes(named name: String = "default") throws -> [UInt8] {
    guard names.contains(name), let url = Bundle.module.url(forResource: name, withExtension: "vqm"),
      let data = FileManager.default.contents(atPath: url.path)
    else {
      throw DefaultModelMissing(name: name)
    }
    return [UInt8](data)
  }
}

public struct DefaultModelMissing: Error, CustomStringConvertible {
  public let name: String
  public var description: String {
    DefaultModel.names.contains(name)
      ? "the shipped model \(name) (Samples/\(name).vqm) is not in this build's resources"
      : "no shipped model is called \(name) (there are \(DefaultModel.names.joined(separator: ", ")))"
  }
}
