import Glibc

/// What an output path names, which decides how `OutputFile` writes it.
public enum OutputTarget: Equatable, Sendable {
  /// Nothing: the file is created.
  case absent
  /// A regular file, or a symbolic link to one: replaced atomically (the link itself stays a link).
  case regularFile
  /// A FIFO, a device or a socket, or a link to one (`/dev/stdout`): written through, never replaced, so it needs no
  /// `--force`.
  case special
  case folder
  /// A symbolic link to nothing.
  case danglingLink

  public static func of(_ path: String) -> OutputTarget {
    var status = stat()
    if stat(path, &status) == 0 {
      switch status.st_mode & S_IFMT {
      case S_IFREG: return .regularFile
      case S_IFDIR: return .folder
      default: return .special
      }
    }
    var linkStatus = stat()
    return lstat(path, &linkStatus) == 0 ? .danglingLink : .absent
  }
}

/// An output being written so that a failure never leaves a half-written or clobbered file.
///
/// For a regular file (or none yet) the bytes go to a temporary file in the destination's folder, renamed over it by
/// `commit()` (rename(2) is atomic within one file system, hence the same folder; a symbolic link is resolved first so
/// the link survives). There is no fsync: the guarantee is against failed writes, full disks and crashes of this
/// process, not power loss. If anything fails, or the file is released without `commit()`, the temporary file is
/// removed and the destination keeps its old contents. A FIFO or a device is written through: it cannot be replaced,
/// and what was sent before a failure cannot be taken back.
public final class OutputFile {
  public let path: String
  private var descriptor: Int32
  /// Nil when writing through.
  private var temporaryPath: String?
  private let destination: String

  /// Opens `path` for writing as described above.
  /// - Throws: `ImageError.writeFailed` naming `path` (a folder, a dangling link, or the errno reason).
  public init(path: String) throws {
    self.path = path
    switch OutputTarget.of(path) {
    case .folder: throw ImageError.writeFailed(path: path, reason: "is a folder")
    case .danglingLink: throw ImageError.writeFailed(path: path, reason: "is a symbolic link to nothing")
    case .special:
      destination = path
      descriptor = open(path, O_WRONLY | O_CLOEXEC)
      if descriptor < 0 { throw ImageError.writeFailed(path: path, reason: FileBytes.errorText(errno)) }
    case .absent, .regularFile:
      destination = Self.resolvingLinks(path)
      (descriptor, temporaryPath) = try Self.createTemporary(beside: destination, reportedAs: path)
    }
  }

  /// Standard output (`-` on a command line), written through whatever the shell connected it to: a terminal, a
  /// pipe or a file it opened. Closing closes a duplicate; the process's standard output stays open.
  public static func standardOutput() throws -> OutputFile {
    let descriptor = dup(STDOUT_FILENO)
    if descriptor < 0 {
      throw ImageError.writeFailed(path: "standard output", reason: FileBytes.errorText(errno))
    }
    return OutputFile(writingThrough: descriptor, name: "standard output")
  }

  private init(writingThrough descriptor: Int32, name: String) {
    (path, destination, self.descriptor, temporaryPath) = (name, name, descriptor, nil)
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
    if let temporaryPath { unlink(temporaryPath) }
  }

  /// Appends bytes; on failure the output is abandoned (see the type's documentation).
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard descriptor >= 0 else { throw ImageError.writeFailed(path: path, reason: "already closed") }
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw abandon(errno)
      }
      offset += written
    }
  }

  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Closes the output and, for a regular file, renames the temporary file over the destination.
  public func commit() throws {
    guard descriptor >= 0 else { throw ImageError.writeFailed(path: path, reason: "already closed") }
    let closed = close(descriptor)
    descriptor = -1
    if closed != 0 { throw abandon(errno) }
    if let temporaryPath {
      if rename(temporaryPath, destination) != 0 { throw abandon(errno) }
      self.temporaryPath = nil
    }
  }

  /// Closes and removes the temporary file; returns the error to throw.
  private func abandon(_ code: Int32) -> ImageError {
    if descriptor >= 0 { close(descriptor) }
    descriptor = -1
    if let temporaryPath { unlink(temporaryPath) }
    temporaryPath = nil
    return .writeFailed(path: path, reason: FileBytes.errorText(code))
  }

  /// The path with symbolic links resolved, or `path` itself when it names nothing yet.
  private static func resolvingLinks(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Opens with O_EXCL and mode 0666 rather than mkstemp, so the umask sets the permissions exactly as for a plain
  /// create; a random name makes a clash unlikely and O_EXCL makes it harmless.
  private static func createTemporary(beside destination: String, reportedAs path: String) throws -> (Int32, String) {
    let folder = destination.lastIndex(of: "/").map { String(destination[...$0]) } ?? ""
    let fileName = destination.split(separator: "/").last.map(String.init) ?? destination
    for _ in 0..<8 {
      let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
      let temporaryPath = "\(folder).\(fileName).tmp-\(suffix)"
      let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if descriptor >= 0 { return (descriptor, temporaryPath) }
      if errno != EEXIST { break }
    }
    throw ImageError.writeFailed(path: path, reason: FileBytes.errorText(errno))
  }
}

/// Whole-file writes that readers never see half done: `OutputFile` in one call.
public enum AtomicFile {
  /// - Throws: `ImageError.writeFailed` naming `path`; the destination is then untouched and no temporary file is left.
  public static func write(_ bytes: [UInt8], to path: String) throws {
    let output = try OutputFile(path: path)
    try output.write(bytes)
    try output.commit()
  }
}
