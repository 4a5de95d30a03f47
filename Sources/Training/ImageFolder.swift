import Foundation

/// The PNG and JPEG files under a folder, found recursively and sorted (the same order on every run).
public enum ImageFolder {
  public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

  public static func files(in folder: String) throws(TrainingError) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
      throw .missingFolder(folder)
    }
    guard isDirectory.boolValue else { throw .notAFolder(folder) }
    guard let walker = FileManager.default.enumerator(atPath: folder) else { throw .missingFolder(folder) }
    var found: [String] = []
    for case let relative as String in walker {
      if extensions.contains((relative as NSString).pathExtension.lowercased()) {
        found.append((folder as NSString).appendingPathComponent(relative))
      }
    }
    guard !found.isEmpty else { throw .noImages(folder) }
    return found.sorted()
  }
}
