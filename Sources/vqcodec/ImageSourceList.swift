import Foundation

/// The images a report measures: every PNG or JPEG named on the command line or found under a named folder
/// (recursively, hidden entries skipped), in a stable order, each with the name tables show.
struct ImageSourceList {
  static let extensions: Set<String> = ["png", "jpg", "jpeg"]

  /// `(name, path)`: the name is the path relative to its folder argument, or the file's name; the full paths
  /// are used instead when two names would clash.
  let entries: [(name: String, path: String)]

  init(paths: [String]) throws {
    var found: [(name: String, path: String)] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CommandFailure("\(path): no such file or folder")
      }
      if !isDirectory.boolValue {
        found.append(((path as NSString).lastPathComponent, path))
        continue
      }
      guard let walker = FileManager.default.enumerator(atPath: path) else {
        throw CommandFailure("\(path): cannot list the folder")
      }
      var inFolder: [String] = []
      while let relative = walker.nextObject() as? String {
        if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
        if Self.extensions.contains((relative as NSString).pathExtension.lowercased()) { inFolder.append(relative) }
      }
      found += inFolder.sorted().map { ($0, (path as NSString).appendingPathComponent($0)) }
    }
    guard !found.isEmpty else { throw CommandFailure("no PNG or JPEG images in \(paths.joined(separator: ", "))") }
    entries = Set(found.map(\.name)).count == found.count ? found : found.map { ($0.path, $0.path) }
  }
}
