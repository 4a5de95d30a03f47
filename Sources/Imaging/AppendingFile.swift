import Glibc

/// A file that grows by whole records (the training log's lines): a record that cannot be written completely is
/// cut off again, so a full disk leaves the file as it was before that record rather than with half a line.
public final class AppendingFile {
  public let path: String
  private var descriptor: Int32

  /// Opens `path` for appending; `truncating` starts it empty. A FIFO or a device is written through.
  /// - Throws: `ImageError.writeFailed` naming `path`.
  public init(path: String, truncating: Bool) throws {
    self.path = path
    if OutputTarget.of(path) == .folder { throw ImageError.writeFailed(path: path, reason: "is a folder") }
    descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncating ? O_TRUNC : 0), 0o666)
    if descriptor < 0 { throw ImageError.writeFailed(path: path, reason: FileBytes.errorText(errno)) }
  }

  deinit { close(descriptor) }

  /// Appends `record` whole, or throws and leaves the file as it was.
  public func append(_ record: String) throws {
    var status = stat()
    let sizeBefore: off_t? =
      fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG ? status.st_size : nil
    var failure: Int32?
    Array(record.utf8).withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        offset += written
      }
    }
    guard let failure else { return }
    if let sizeBefore { _ = ftruncate(descriptor, sizeBefore) }
    throw ImageError.writeFailed(path: path, reason: FileBytes.errorText(failure))
  }
}
