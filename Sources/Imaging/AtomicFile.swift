import Glibc

/// Whole-file writes that readers never see half done.
public enum AtomicFile {
  /// Writes `bytes` to a temporary file in the destination's folder, then
  /// renames it over `path` (rename(2) is atomic within one file system,
  /// hence the same folder). There is no fsync: the guarantee is against
  /// crashes of this process and concurrent readers, not power loss.
  /// On any failure the temporary file is removed and `path` is untouched.
  /// - Throws: `ImageError.writeFailed` naming `path` and the errno reason.
  public static func write(_ bytes: [UInt8], to path: String) throws {
    let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
    let fileName = path.split(separator: "/").last.map(String.init) ?? path
    var temporaryPath = ""
    var descriptor: Int32 = -1
    // open with O_EXCL and mode 0666 rather than mkstemp, so the umask sets
    // the permissions exactly as for a plain create; a random name makes a
    // clash unlikely and O_EXCL makes it harmless.
    for _ in 0..<8 where descriptor < 0 {
      let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
      temporaryPath = "\(folder).\(fileName).tmp-\(suffix)"
      descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if descriptor < 0 && errno != EEXIST { break }
    }
    if descriptor < 0 { throw ImageError.writeFailed(path: path, reason: FileBytes.errorText(errno)) }

    var failure: Int32? = writeAll(bytes, to: descriptor)
    if close(descriptor) != 0, failure == nil { failure = errno }
    if failure == nil, rename(temporaryPath, path) != 0 { failure = errno }
    if let failure {
      unlink(temporaryPath)
      throw ImageError.writeFailed(path: path, reason: FileBytes.errorText(failure))
    }
  }

  /// Nil on success, otherwise the errno of the failed write.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += written
      }
      return nil
    }
  }
}
