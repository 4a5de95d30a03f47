import Codec
import DefaultModel
import Foundation
import Imaging
import TestSupport
import Testing

/// `encode --quality`, `--size`, `--bpp` and `--effort`: the quality's file, the highest quality within the budget,
/// a note when even quality 0 is over it or quality 100 under it, the refined file, and one way of choosing the quality
/// at a time.
struct SizeTargetCommandTests {
  let fixture: BadInputFixture

  init() throws { fixture = try BadInputFixture() }

  /// The fixture's `image.png`, as `vqcodec encode` reads it.
  func fixtureImage() throws -> RGBImage {
    try ImageFile.decode(data: Array(try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file("image.png")))))
      .image
  }

  @Test func qualitySizeAndBPPWriteTheCodecsFiles() throws {
    defer { fixture.folder.remove() }
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    let image = try fixtureImage()
    let written = { (name: String) in Array(try Data(contentsOf: URL(fileURLWithPath: self.fixture.folder.file(name))))
    }
    let q = try vqcodec(["encode", "image.png", "q.vq", "--quality", "60"], in: fixture.folder.path)
    let atSixty = try codec.encode(image, quality: 60)
    #expect(q.status == 0, "stderr: \(q.stderr)")
    #expect(try written("q.vq") == atSixty)
    let budget = (try codec.encode(image, stages: 1).count + codec.encode(image, stages: 2).count) / 2
    let fitted = try codec.encode(image, fittingIn: budget).bytes
    let r = try vqcodec(["encode", "image.png", "size.vq", "--size", "\(budget)"], in: fixture.folder.path)
    #expect(r.status == 0 && !r.stderr.contains("note:"), "stderr: \(r.stderr)")
    #expect(try written("size.vq") == fitted && fitted.count <= budget)
    let bpp = String(8 * Double(budget) / Double(image.width * image.height) + 1e-9)
    let b = try vqcodec(["encode", "image.png", "bpp.vq", "--bpp", bpp], in: fixture.folder.path)
    #expect(b.status == 0)
    #expect(try written("bpp.vq") == fitted)
  }

  @Test func effortWritesTheCodecsRefinedFile() throws {
    defer { fixture.folder.remove() }
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    let image = try fixtureImage()
    let r = try vqcodec(["encode", "image.png", "e.vq", "--quality", "60", "--effort", "2"], in: fixture.folder.path)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let written = Array(try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file("e.vq"))))
    #expect(written == (try codec.encode(image, quality: 60, effort: 2)))
  }

  @Test func aBudgetBelowQualityZeroKeepsItWithANote() throws {
    defer { fixture.folder.remove() }
    let r = try vqcodec(["encode", "image.png", "small.vq", "--size", "10"], in: fixture.folder.path)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stderr.contains("note: image.png: the smallest file, quality 0, is "))
    #expect(r.stderr.contains("over the 10-byte target"))
    #expect(fixture.folder.exists("small.vq"))
  }

  @Test func aBudgetAboveQualityHundredKeepsItWithANote() throws {
    defer { fixture.folder.remove() }
    let r = try vqcodec(["encode", "image.png", "large.vq", "--bpp", "30"], in: fixture.folder.path)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stderr.contains("note: image.png: the highest quality, 100, makes "))
    #expect(r.stderr.contains("-byte target; --model high reaches higher rates"))
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    #expect(fixture.folder.exists("large.vq"))
    #expect(
      Array(try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file("large.vq"))))
        == (try codec.encode(try fixtureImage(), quality: 100)))
    let high = try vqcodec(
      ["encode", "image.png", "high.vq", "--bpp", "30", "--model", "high"], in: fixture.folder.path)
    #expect(high.status == 0, "stderr: \(high.stderr)")
    #expect(high.stderr.contains("the highest quality, 100, makes ") && !high.stderr.contains("--model high"))
  }

  @Test(arguments: [
    ["--size", "100", "--stages", "1"], ["--size", "100", "--bpp", "0.1"], ["--size", "0"], ["--bpp", "-1"],
    ["--bpp", "nan"], ["--bpp", "0.1", "--quality", "50"], ["--quality", "101"], ["--quality", "-0.5"],
    ["--quality", "nan"], ["--effort", "201"], ["--effort", "-1"], ["--effort", "2", "--stages", "2"],
  ])
  func conflictingOrBadTargetsAreUsageErrors(_ extra: [String]) throws {
    defer { fixture.folder.remove() }
    expectUsageError(try vqcodec(["encode", "image.png", "out.vq"] + extra, in: fixture.folder.path))
    #expect(!fixture.folder.exists("out.vq"))
  }
}
