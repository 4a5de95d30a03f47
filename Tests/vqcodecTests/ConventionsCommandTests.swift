import Codec
import DefaultModel
import Foundation
import Imaging
import TestSupport
import Testing

/// A small deterministic picture, and the folder it is written to.
private func folderWithImage(_ name: String = "in.png") throws -> (TemporaryFolder, RGBImage) {
  let folder = try TemporaryFolder()
  let (width, height) = (21, 13)
  let image = RGBImage(
    width: width, height: height,
    pixels: (0..<width * height * 3).map { i in UInt8(((i / 3 % width) * 11 + (i / 3 / width) * 7 + i % 3 * 40) % 256) }
  )
  try folder.write(try image.pngData(), named: name)
  return (folder, image)
}

/// `-` is standard input and standard output for both commands: `encode - -` then `decode - -` gives the same
/// bytes as the file commands, and the report moves to standard error.
@Test func dashIsStandardInputAndOutput() throws {
  let (folder, _) = try folderWithImage()
  defer { folder.remove() }
  let encode = try vqcodec(["encode", "-", "-", "--threads", "1"], in: folder.path, stdin: folder.file("in.png"))
  #expect(encode.status == 0, "\(encode.stderr)")
  #expect(encode.stderr.hasPrefix("standard output: ") && encode.stderr.contains(" bpp"))
  let viaFiles = try vqcodec(["encode", "in.png", "file.vq", "--threads", "1"], in: folder.path)
  #expect(viaFiles.status == 0)
  #expect(encode.stdoutBytes == (try FileBytes.read(path: folder.file("file.vq"))))
  try folder.write(encode.stdoutBytes, named: "piped.vq")

  let decode = try vqcodec(["decode", "-", "-", "--quiet"], in: folder.path, stdin: folder.file("piped.vq"))
  #expect(decode.status == 0 && decode.stderr.isEmpty, "\(decode.stderr)")
  #expect(try vqcodec(["decode", "file.vq", "file.png"], in: folder.path).status == 0)
  #expect(decode.stdoutBytes == (try FileBytes.read(path: folder.file("file.png"))))
  #expect(try folder.contents() == ["file.png", "file.vq", "in.png", "piped.vq"], "no file named -")
}

@Test(arguments: [
  (["decode", "in.vq", "out.jpg"], "out.jpg: this command writes PNG images; name the output with .png (not .jpg)"),
  (["encode", "in.png", "out.png"], "out.png: this command writes .vq files; name the output with .vq (not .png)"),
  (["encode", "in.png", "out"], "out: this command writes .vq files; name the output with .vq"),
])
func anOutputNamedForAnotherFormatIsRefused(_ arguments: [String], message: String) throws {
  let (folder, _) = try folderWithImage()
  defer { folder.remove() }
  #expect(try vqcodec(["encode", "in.png", "in.vq"], in: folder.path).status == 0)
  let before = try folder.contents()
  let result = try vqcodec(arguments, in: folder.path)
  #expect(result.status == 1)
  #expect(result.stderrLines == ["error: " + message[...]])
  #expect(try folder.contents() == before)
}

@Test func versionNamesTheBuiltInModel() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let result = try vqcodec(["--version"], in: folder.path)
  #expect(result.status == 0)
  let fingerprint = ModelFile.fingerprint(of: try DefaultModel.bytes()).map { String(format: "%02x", $0) }.joined()
  #expect(result.stdout.hasPrefix("vqcodec "))
  #expect(result.stdout.contains("built-in model: \(fingerprint)"), "\(result.stdout)")
}

/// `-q` is kept for the quality knob: it is not an alias of `--quiet`.
@Test func shortQIsNotQuiet() throws {
  let (folder, _) = try folderWithImage()
  defer { folder.remove() }
  let result = try vqcodec(["encode", "-q", "in.png", "out.vq"], in: folder.path)
  #expect(result.status == 64)
  #expect(result.stderr.contains("Unknown option '-q'"))
  #expect(!FileManager.default.fileExists(atPath: folder.file("out.vq")))
}

/// Folder in, folder out: every image (recursively) to the same relative path, a bad file reported on its own line
/// while the others are coded, and a summary; then the `.vq` folder decodes back.
@Test func foldersAreCodedFileByFile() throws {
  let (folder, image) = try folderWithImage("photos/a.png")
  defer { folder.remove() }
  try folder.write(try image.pngData(), named: "photos/trip/b.png")
  try folder.write(Array("not an image".utf8), named: "photos/broken.png")
  let encode = try vqcodec(["encode", "photos", "coded", "--threads", "1"], in: folder.path)
  #expect(encode.status == 1)
  #expect(encode.stderrLines.filter { $0.hasPrefix("error: ") }.count == 1)
  #expect(encode.stderr.contains("error: photos/broken.png: "))
  #expect(encode.stderr.contains("2 of 3 files encoded into coded: "))
  #expect(folder.exists("coded/a.vq") && folder.exists("coded/trip/b.vq") && !folder.exists("coded/broken.vq"))

  let decode = try vqcodec(["decode", "coded", "back", "--threads", "1"], in: folder.path)
  #expect(decode.status == 0, "\(decode.stderr)")
  #expect(decode.stderr.contains("2 of 2 files decoded into back: "))
  let single = try vqcodec(["decode", "coded/a.vq", "single.png"], in: folder.path)
  #expect(single.status == 0)
  #expect(try FileBytes.read(path: folder.file("back/a.png")) == (try FileBytes.read(path: folder.file("single.png"))))
  #expect(try vqcodec(["decode", "coded", "back"], in: folder.path).status == 1, "existing outputs need --force")
}

/// `truncate` cuts a file after its K-th stage: the result is the file's first bytes, decodes to exactly what
/// `decode --stages K` gives from the whole file, and a version 1 file is rewritten with K stages.
@Test func truncatedFilesDecodeAsFewerStagesOfTheWhole() throws {
  let (folder, _) = try folderWithImage()
  defer { folder.remove() }
  #expect(try vqcodec(["encode", "in.png", "full.vq", "--threads", "1"], in: folder.path).status == 0)
  let full = try FileBytes.read(path: folder.file("full.vq"))
  let stages = try ImageCodec(modelBytes: try DefaultModel.bytes()).stageCount
  for k in 1..<stages {
    let cut = try vqcodec(["truncate", "full.vq", "cut\(k).vq", "--stages", "\(k)"], in: folder.path)
    #expect(cut.status == 0, "\(cut.stderr)")
    let bytes = try FileBytes.read(path: folder.file("cut\(k).vq"))
    #expect(bytes.count < full.count && Array(full.prefix(bytes.count)) == bytes)
    #expect(try vqcodec(["decode", "cut\(k).vq", "cut\(k).png", "--quiet"], in: folder.path).status == 0)
    #expect(try vqcodec(["decode", "full.vq", "whole\(k).png", "--stages", "\(k)"], in: folder.path).status == 0)
    #expect(
      try FileBytes.read(path: folder.file("cut\(k).png")) == (try FileBytes.read(path: folder.file("whole\(k).png"))))
  }
  let tooMany = try vqcodec(["truncate", "full.vq", "x.vq", "--stages", "\(stages + 1)"], in: folder.path)
  #expect(tooMany.status == 1 && tooMany.stderrLines.count == 1)
  #expect(tooMany.stderr.contains("--stages must be in 1...\(stages)"))
  #expect(!folder.exists("x.vq"))
  let info = try vqcodec(["info", "cut1.vq", "--json"], in: folder.path)
  let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
  #expect((json["version"] as? NSNumber)?.intValue == 2 && (json["stages"] as? NSNumber)?.intValue == 1)
}
