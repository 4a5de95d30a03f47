import Glibc

/// Whole-file reads with errno mapped onto `ImageError`.
public enum FileBytes {
  /// The file's bytes. ENOENT and ENOTDIR mean the path names nothing;
  /// any other failure (permissions, a directory, I/O) is `.unreadable`.
  public static func read(path: String) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    if descriptor < 0 {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw ImageError.missingFile(path: path) }
      throw ImageError.unreadable(path: path, reason: errorText(code))
    }
    defer { close(descriptor) }

    var status = stat()
    var bytes: [UInt8] = []
    if fstat(descriptor, &status) == 0 { bytes.reserveCapacity(Int(status.st_size)) }
    let chunkSize = 1 << 16
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, chunkSize) }
      if count == 0 { return bytes }
      if count < 0 {
        let code = errno
        if code == EINTR { continue }
        throw ImageError.unreadable(path: path, reason: errorText(code))
      }
      bytes.append(contentsOf: chunk[0..<count])
    }
  }

  static func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
  }
}
