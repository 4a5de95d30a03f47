import Codec
import DefaultModel
import Foundation
import Imaging
import TestSupport
import Testing

/// `encode --size` and `--bpp`: the most stages within the budget, a note when even one stage is over it, and one
/// way of choosing the stages at a time.
struct SizeTargetCommandTests {
  let fixture: BadInputFixture

  init() throws { fixture = try BadInputFixture() }

  @Test func sizeAndBPPKeepTheStagesThatFit() throws {
    defer { fixture.folder.remove() }
    let codec = try ImageCodec(modelBytes: try DefaultModel.bytes())
    let image = try ImageFile.decode(
      data: Array(try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file("image.png"))))
    ).image
    let two = try codec.encode(image, stages: 2)
    let r = try vqcodec(["encode", "image.png", "two.vq", "--size", "\(two.count)"], in: fixture.folder.path)
    #expect(r.status == 0 && !r.stderr.contains("note:"), "stderr: \(r.stderr)")
    let written = Array(try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file("two.vq"))))
    #expect(written == two)
    let pixels = Double(image.width * image.height)
    let bpp = String(8 * Double(two.count) / pixels + 1e-9)
    let b = try vqcodec(["encode", "image.png", "bpp.vq", "--bpp", bpp], in: fixture.folder.path)
    let byRate = Array(try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file("bpp.vq"))))
    #expect(b.status == 0 && byRate == two)
  }

  @Test func aBudgetBelowOneStageKeepsOneWithANote() throws {
    defer { fixture.folder.remove() }
    let r = try vqcodec(["encode", "image.png", "small.vq", "--size", "10"], in: fixture.folder.path)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stderr.contains("note: image.png: the smallest file, 1 stage, is "))
    #expect(r.stderr.contains("over the 10-byte target"))
    #expect(fixture.folder.exists("small.vq"))
  }

  @Test(arguments: [
    ["--size", "100", "--stages", "1"], ["--size", "100", "--bpp", "0.1"], ["--size", "0"], ["--bpp", "-1"],
    ["--bpp", "nan"],
  ])
  func conflictingOrBadTargetsAreUsageErrors(_ extra: [String]) throws {
    defer { fixture.folder.remove() }
    expectUsageError(try vqcodec(["encode", "image.png", "out.vq"] + extra, in: fixture.folder.path))
    #expect(!fixture.folder.exists("out.vq"))
  }
}
