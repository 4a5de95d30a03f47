import Foundation
import Imaging
import TestSupport
import Testing

@Test func writesAndReplacesLeavingNoTemporaryFile() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let path = folder.file("out.png")
  try AtomicFile.write([1, 2, 3], to: path)
  #expect(try folder.contents() == ["out.png"])
  #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))

  try AtomicFile.write(Array(repeating: 7, count: 100_000), to: path)
  #expect(try folder.contents() == ["out.png"])
  #expect(FileManager.default.contents(atPath: path) == Data(repeating: 7, count: 100_000))

  try AtomicFile.write([], to: path)
  #expect(FileManager.default.contents(atPath: path) == Data())
}

@Test func writtenImageReadsBack() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let image = TestImages.noise(width: 6, height: 5, seed: 8)
  try AtomicFile.write(image.pngData(), to: folder.file("image.png"))
  #expect(try ImageFile.read(path: folder.file("image.png")).image == image)
}

@Test func missingFolderThrowsAndCreatesNothing() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let path = folder.file("absent/out.png")
  #expect(throws: ImageError.self) { try AtomicFile.write([1], to: path) }
  #expect(try folder.contents().isEmpty)
  do {
    try AtomicFile.write([1], to: path)
  } catch let error as ImageError {
    guard case .writeFailed(let failedPath, _) = error else {
      Issue.record("expected .writeFailed, got \(error)")
      return
    }
    #expect(failedPath == path && error.description.contains(path))
  }
}

@Test func aFolderAtTheDestinationIsRefusedAndKept() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  // Refused before a temporary file is made (rename(2) over a non-empty folder would fail only after the writing).
  let destination = folder.file("taken")
  try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
  _ = try folder.write([9], named: "taken/inside")
  #expect(throws: ImageError.self) { try AtomicFile.write([1, 2], to: destination) }
  #expect(try folder.contents() == ["taken"])
  #expect(try FileManager.default.contentsOfDirectory(atPath: destination) == ["inside"])
}
