import Glibc

/// A size-limited tmpfs mounted for one test, to see what a full disk does to a write.
///
/// Mounting needs root (CI runs as root). Where it is not possible, `mount` prints one notice naming the test and
/// returns nil, and the test returns without checking anything.
public final class SmallFileSystem {
  public let path: String

  private init(path: String) { self.path = path }

  /// A fresh, empty file system of `bytes` (rounded up to whole pages) in a new temporary folder.
  public static func mount(bytes: Int, for test: String = #function) -> SmallFileSystem? {
    var template = Array("/tmp/vqcodec-small-fs-XXXXXX".utf8CString)
    guard let folder = mkdtemp(&template) else { return skip(test, because: "mkdtemp failed") }
    let path = String(cString: folder)
    guard Glibc.mount("tmpfs", path, "tmpfs", 0, "size=\(bytes),mode=0777") == 0 else {
      let reason = String(cString: strerror(errno))
      rmdir(path)
      return skip(test, because: "cannot mount a tmpfs (\(reason); needs root)")
    }
    return SmallFileSystem(path: path)
  }

  public func file(_ name: String) -> String { path + "/" + name }

  /// Writes a file named `filler` until the file system has no space left.
  public func fill() {
    let descriptor = open(file("filler"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    let block = [UInt8](repeating: 0, count: 512)
    while block.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
  }

  /// The names in the file system, sorted (temporary files left behind show up here).
  public func contents() -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  deinit {
    umount2(path, Int32(MNT_DETACH))
    rmdir(path)
  }

  private static func skip(_ test: String, because reason: String) -> SmallFileSystem? {
    print("note: \(test) skipped: \(reason)")
    return nil
  }
}
