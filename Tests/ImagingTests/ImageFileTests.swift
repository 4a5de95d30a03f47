import Foundation
import TestSupport
import Testing

@testable import Imaging

private func smallPNG() throws -> [UInt8] { try TestImages.noise(width: 20, height: 20, seed: 1).pngData() }
private func smallJPEG(progressive: Bool = false) throws -> [UInt8] {
  let image = TestImages.pattern(width: 40, height: 32, seed: 2)
  return try JPEGCodec.encode(
    samples: image.pixels, width: 40, height: 32, components: 3, quality: 80, isProgressive: progressive)
}

/// The error `body` throws, failing the test if it throws something else or nothing.
private func imageError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> ImageError? {
  do {
    try body()
    Issue.record("expected an ImageError", sourceLocation: sourceLocation)
  } catch let error as ImageError {
    #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
    return error
  } catch {
    Issue.record("expected an ImageError, got \(error)", sourceLocation: sourceLocation)
  }
  return nil
}

@Test func readsByContentNotExtension() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let image = TestImages.noise(width: 9, height: 7, seed: 4)
  let path = try folder.write(image.pngData(), named: "actually-a-png.jpg")
  let decoded = try ImageFile.read(path: path)
  #expect(decoded.format == .png && decoded.image == image)
  let jpegPath = try folder.write(smallJPEG(), named: "photo.png")
  #expect(try ImageFile.read(path: jpegPath).format == .jpeg)
}

@Test func missingFile() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let path = folder.file("absent.png")
  #expect(imageError { _ = try ImageFile.read(path: path) } == .missingFile(path: path))
  #expect(imageError { _ = try ImageFile.read(path: path + "/below") } == .missingFile(path: path + "/below"))
  let description = ImageError.missingFile(path: path).description
  #expect(description.contains(path) && description.contains("no such file"))
}

@Test func directoryIsUnreadable() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  guard case .unreadable(let path, _)? = imageError({ _ = try ImageFile.read(path: folder.path) }) else {
    Issue.record("expected .unreadable")
    return
  }
  #expect(path == folder.path)
}

@Test func emptyFile() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let path = try folder.write([], named: "empty.png")
  #expect(imageError { _ = try ImageFile.read(path: path) } == .emptyFile(path: path))
}

@Test func textFileNamedPNGIsNotAnImage() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let path = try folder.write(Array("hello, this is text\n".utf8), named: "notes.png")
  let error = imageError { _ = try ImageFile.read(path: path) }
  #expect(error == .notAnImage(path: path))
  #expect(error?.description.contains("notes.png") == true)
}

@Test func randomGarbageIsRejected() throws {
  var random = LCG(state: 99)
  let garbage = (0..<4096).map { _ in UInt8(random.next()) }
  #expect(imageError { _ = try ImageFile.decode(data: garbage, name: "g") } == .notAnImage(path: "g"))

  // After a real signature, garbage is a decoder error, not truncation.
  let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
  guard case .decoderFailed(_, .png, _)? = imageError({ _ = try ImageFile.decode(data: pngSignature + garbage) }) else {
    Issue.record("expected a PNG decoder error")
    return
  }
  // libjpeg may read random bytes as markers and run off the end, so either case is right.
  switch imageError({ _ = try ImageFile.decode(data: [0xFF, 0xD8, 0xFF] + garbage) }) {
  case .decoderFailed(_, .jpeg, _)?, .truncated(_, .jpeg)?: break
  case let other: Issue.record("unexpected \(String(describing: other))")
  }
}

@Test func truncatedPNGAtEveryKindOfCut() throws {
  let png = try smallPNG()
  let idat = try #require((0..<png.count - 4).first { png[$0..<$0 + 4].elementsEqual("IDAT".utf8) })
  // Inside the signature, after it, inside IHDR, between chunks, inside IDAT,
  // inside IDAT's CRC, before IEND, inside IEND. libpng alone would accept the
  // last two (all pixels are present); the reader does not.
  let cuts = [4, 8, 20, 33, idat + 10, idat + 200, png.count - 14, png.count - 12, png.count - 1]
  for cut in cuts {
    #expect(
      imageError { _ = try ImageFile.decode(data: Array(png[..<cut]), name: "cut") }
        == .truncated(path: "cut", format: .png),
      "cut at \(cut) of \(png.count)")
  }
  // Bytes after IEND are ignored.
  #expect(try ImageFile.decode(data: png + [1, 2, 3]).image == ImageFile.decode(data: png).image)
}

@Test(arguments: [false, true])
func truncatedJPEGAtSeveralCuts(progressive: Bool) throws {
  let jpeg = try smallJPEG(progressive: progressive)
  // The last cut loses only the EOI marker.
  for cut in [2, 10, 100, 300, jpeg.count / 2, jpeg.count - 100, jpeg.count - 3, jpeg.count - 2] {
    #expect(
      imageError { _ = try ImageFile.decode(data: Array(jpeg[..<cut]), name: "cut") }
        == .truncated(path: "cut", format: .jpeg),
      "cut at \(cut) of \(jpeg.count)")
  }
}

@Test func corruptPNGDataIsADecoderError() throws {
  var png = try smallPNG()
  let idat = try #require((0..<png.count - 4).first { png[$0..<$0 + 4].elementsEqual("IDAT".utf8) })
  png[idat + 20] ^= 0xFF  // CRC now wrong
  guard case .decoderFailed(_, .png, let message)? = imageError({ _ = try ImageFile.decode(data: png) }) else {
    Issue.record("expected a PNG decoder error")
    return
  }
  #expect(!message.isEmpty)
}

@Test func hugePNGHeaderFailsFastAsTooLarge() {
  // A decoder that allocated before checking would need 30 TB for the first.
  // Both with IHDR alone and followed by a tiny IDAT and IEND.
  for (width, height) in [(100_000, 100_000), (70_000, 1), (20_000, 20_000)] {
    let header = bigEndian32(width) + bigEndian32(height) + [8, 2, 0, 0, 0]
    let headerOnly: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
    for png in [headerOnly, headerOnly + chunk("IDAT", zlibStored([0, 1, 2, 3])) + chunk("IEND", [])] {
      let error = imageError { _ = try ImageFile.decode(data: png, name: "huge.png") }
      #expect(error == .tooLarge(path: "huge.png", width: width, height: height))
      #expect(error?.description.contains("huge.png") == true)
    }
  }
}

@Test func hugeJPEGHeaderFailsFastAsTooLarge() throws {
  var jpeg = try smallJPEG()
  // Rewrite SOF0's height and width (after length and precision) to 60000×60000.
  let sof = try #require((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
  jpeg.replaceSubrange(sof + 5..<sof + 9, with: [0xEA, 0x60, 0xEA, 0x60])
  #expect(
    imageError { _ = try ImageFile.decode(data: jpeg, name: "j") }
      == .tooLarge(path: "j", width: 60_000, height: 60_000))
}
