import Codec
import DefaultModel
import Foundation
import Imaging
import TestSupport
import Testing

/// The happy path with the bundled default model: encode a generated PNG, decode it, and read `info --json`.
@Test func encodeDecodeAndInfoWithTheDefaultModel() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let (width, height) = (19, 11)
  let image = RGBImage(
    width: width, height: height,
    pixels: (0..<width * height * 3).map { i in
      UInt8(((i / 3 % width) * 12 + (i / 3 / width) * 9 + (i % 3) * 30) % 256)
    })
  try folder.write(try image.pngData(), named: "in.png")

  let encode = try vqcodec(["encode", "in.png", "out.vq", "--threads", "1"], in: folder.path)
  #expect(encode.status == 0, "stderr: \(encode.stderr)")
  #expect(encode.stderr.isEmpty)
  #expect(encode.stdout.hasPrefix("out.vq: ") && encode.stdout.contains(" bpp"))
  let vq = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("out.vq"))))

  // The executable used the model the library bundles, at quality 100 by default: the same bytes come out of the
  // library call.
  let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
  #expect(vq == (try codec.encode(image, quality: 100)))

  let decode = try vqcodec(["decode", "out.vq", "out.png", "--quiet"], in: folder.path)
  #expect(decode.status == 0, "stderr: \(decode.stderr)")
  #expect(decode.stdout.isEmpty && decode.stderr.isEmpty)
  let decoded = try ImageFile.read(path: folder.file("out.png")).image
  #expect(decoded.width == width && decoded.height == height)
  #expect(decoded == (try codec.decode(vq)))

  let info = try vqcodec(["info", "out.vq", "--json"], in: folder.path)
  #expect(info.status == 0, "stderr: \(info.stderr)")
  let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
  #expect(json["kind"] as? String == "vq")
  #expect((json["bytes"] as? NSNumber)?.intValue == vq.count)
  #expect((json["width"] as? NSNumber)?.intValue == width && (json["height"] as? NSNumber)?.intValue == height)
  let bpp = try #require((json["bits_per_pixel"] as? NSNumber)?.doubleValue)
  let expected = 8 * Double(vq.count) / Double(width * height)
  #expect(abs(bpp - expected) < 1e-6 * expected, "info says \(bpp), 8·bytes/(W·H) = \(expected)")
  let fingerprint = codec.fingerprint.map { String(format: "%02x", $0) }.joined()
  #expect(json["model_fingerprint"] as? String == fingerprint)
}

@Test func infoDescribesTheDefaultModel() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let bytes = try DefaultModel.bytes()
  try folder.write(bytes, named: "default.vqm")
  let info = try vqcodec(["info", "default.vqm", "--json"], in: folder.path)
  #expect(info.status == 0, "stderr: \(info.stderr)")
  let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
  #expect(json["kind"] as? String == "vqm")
  #expect((json["bytes"] as? NSNumber)?.intValue == bytes.count)
  #expect(
    json["fingerprint"] as? String == ModelFile.fingerprint(of: bytes).map { String(format: "%02x", $0) }.joined())
  let text = try vqcodec(["info", "default.vqm"], in: folder.path)
  #expect(text.status == 0 && text.stdout.contains("kind: vqm"))
}

/// The shipped high-rate model by name: `encode --model high` writes a file that `decode` reads without `--model`
/// (it takes the shipped model the file names), alone and in a folder beside a default-model file; `--model
/// default` refuses it by its model; `info --indices` reads its codes without `--model` too; a name that is neither
/// a file nor a shipped model says so.
@Test func decodeTakesTheShippedModelAFileWasMadeWith() throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  let pixels: [UInt8] = (0..<24 * 16 * 3).map { (i: Int) -> UInt8 in UInt8((i * 29 + i / 72 * 7) % 256) }
  let image = RGBImage(width: 24, height: 16, pixels: pixels)
  try folder.write(try image.pngData(), named: "in.png")
  try FileManager.default.createDirectory(atPath: folder.file("files"), withIntermediateDirectories: false)
  for (model, file) in [("high", "files/h.vq"), ("default", "files/d.vq")] {
    let encode = try vqcodec(["encode", "in.png", file, "--model", model, "--quiet"], in: folder.path)
    #expect(encode.status == 0, "stderr: \(encode.stderr)")
  }
  let high = try ImageCodec(modelBytes: try DefaultModel.bytes(named: "high"))
  let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("files/h.vq"))))
  #expect(file == (try high.encode(image, quality: 100)))

  let decode = try vqcodec(["decode", "files/h.vq", "h.png", "--quiet"], in: folder.path)
  #expect(decode.status == 0, "stderr: \(decode.stderr)")
  #expect(try ImageFile.read(path: folder.file("h.png")).image == (try high.decode(file)))
  let folderDecode = try vqcodec(["decode", "files", "out", "--quiet"], in: folder.path)
  #expect(folderDecode.status == 0, "stderr: \(folderDecode.stderr)")
  #expect(try ImageFile.read(path: folder.file("out/h.png")).image == (try high.decode(file)))
  expectOneErrorLine(
    try vqcodec(["decode", "files/h.vq", "x.png", "--model", "default"], in: folder.path),
    mentioning: "this file was made with model")
  expectOneErrorLine(
    try vqcodec(["encode", "in.png", "x.vq", "--model", "higher"], in: folder.path),
    mentioning: "no such file, and no shipped model of that name (default, high)")
  let info = try vqcodec(["info", "files/h.vq", "--indices", "--json"], in: folder.path)
  #expect(info.status == 0 && info.stdout.contains("\"indices\""), "stderr: \(info.stderr)")
}
