import Foundation
import Glibc
import Imaging
import TestSupport
import Testing

/// A write that runs out of space fails with one error, keeps the old file and leaves no temporary file.
@Test func fullDiskKeepsThePreviousFileAndNoTemporary() throws {
  guard let disk = SmallFileSystem.mount(bytes: 64 << 10) else { return }
  let path = disk.file("out.png")
  try AtomicFile.write(Array(repeating: 1, count: 20_000), to: path)
  #expect(throws: ImageError.self) { try AtomicFile.write(Array(repeating: 2, count: 200_000), to: path) }
  do {
    try AtomicFile.write(Array(repeating: 2, count: 200_000), to: path)
  } catch let error as ImageError {
    #expect(error.description == "\(path): cannot write: No space left on device")
  }
  #expect(disk.contents() == ["out.png"])
  #expect(FileManager.default.contents(atPath: path) == Data(repeating: 1, count: 20_000))
}

/// An output released without `commit()` (a failure between writes) leaves nothing behind.
@Test func abandonedOutputLeavesNoTrace() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  _ = try folder.write([7], named: "kept")
  do {
    let output = try OutputFile(path: folder.file("kept"))
    try output.write([1, 2, 3])
  }
  #expect(try folder.contents() == ["kept"])
  #expect(FileManager.default.contents(atPath: folder.file("kept")) == Data([7]))
}

/// A symbolic link to a regular file stays a link; the file it names gets the new contents.
@Test func linkToARegularFileIsReplacedThroughTheLink() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  _ = try folder.write([7], named: "target")
  try FileManager.default.createSymbolicLink(atPath: folder.file("link"), withDestinationPath: "target")
  try AtomicFile.write([1, 2], to: folder.file("link"))
  #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.file("link")) == "target")
  #expect(FileManager.default.contents(atPath: folder.file("target")) == Data([1, 2]))
  #expect(try folder.contents() == ["link", "target"])
}

/// A FIFO (what `/dev/stdout` often is) is written through and stays a FIFO.
@Test func fifoIsWrittenThroughNotReplaced() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let fifo = folder.file("pipe")
  #expect(mkfifo(fifo, 0o600) == 0)
  #expect(OutputTarget.of(fifo) == .special)
  nonisolated(unsafe) var received: Data?
  let done = DispatchSemaphore(value: 0)
  DispatchQueue.global().async {
    received = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile()
    done.signal()
  }
  try AtomicFile.write(Array(repeating: 5, count: 100_000), to: fifo)
  #expect(done.wait(timeout: .now() + 10) == .success)
  #expect(received == Data(repeating: 5, count: 100_000))
  #expect(OutputTarget.of(fifo) == .special)
  #expect(try folder.contents() == ["pipe"])
}

/// A link to a character device is written through: the link and the device stay as they are.
@Test func linkToADeviceIsWrittenThrough() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try FileManager.default.createSymbolicLink(atPath: folder.file("null"), withDestinationPath: "/dev/null")
  try AtomicFile.write([1, 2, 3], to: folder.file("null"))
  #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.file("null")) == "/dev/null")
  var status = stat()
  #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
}

@Test func folderAndDanglingLinkAreRefused() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try FileManager.default.createSymbolicLink(atPath: folder.file("dangling"), withDestinationPath: "absent")
  #expect(OutputTarget.of(folder.path) == .folder)
  #expect(OutputTarget.of(folder.file("dangling")) == .danglingLink)
  #expect(OutputTarget.of(folder.file("absent")) == .absent)
  #expect(throws: ImageError.writeFailed(path: folder.path, reason: "is a folder")) {
    try AtomicFile.write([1], to: folder.path)
  }
  #expect(throws: ImageError.self) { try AtomicFile.write([1], to: folder.file("dangling")) }
  #expect(try folder.contents() == ["dangling"])
}

/// A record that does not fit is cut off again: the file keeps its whole records only.
@Test func appendingOnAFullDiskKeepsWholeRecords() throws {
  guard let disk = SmallFileSystem.mount(bytes: 16 << 10) else { return }
  let log = try AppendingFile(path: disk.file("log"), truncating: true)
  let record = String(repeating: "x", count: 999) + "\n"
  var written = 0
  while written < 100 {
    do { try log.append(record) } catch { break }
    written += 1
  }
  #expect(written < 100, "a 16 KiB file system took 100 KB")
  #expect(FileManager.default.contents(atPath: disk.file("log"))?.count == written * 1000)
}

@Test func appendingContinuesOrStartsOver() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try AppendingFile(path: folder.file("log"), truncating: true).append("a\n")
  try AppendingFile(path: folder.file("log"), truncating: false).append("b\n")
  #expect(FileManager.default.contents(atPath: folder.file("log")) == Data("a\nb\n".utf8))
  try AppendingFile(path: folder.file("log"), truncating: true).append("c\n")
  #expect(FileManager.default.contents(atPath: folder.file("log")) == Data("c\n".utf8))
}
